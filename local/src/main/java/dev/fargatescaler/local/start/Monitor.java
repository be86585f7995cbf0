package dev.fargatescaler.local.start;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What local mode shows: one line per webhook decision, scaler batch, task launch, task state change and report,
 * sweeper run and function error; a compact per-environment status; a summary at the end. Every line also goes
 * to the log file. Keeps what it saw, so that the demo and the end-to-end test can check expectations.
 */
public final class Monitor {

    /** A webhook request and the function's answer. */
    public record WebhookOutcome(String idempotencyKey, int status, String answer) {
    }

    /** A task this product started, as seen in the emulator (or the account). */
    /** @param size the task's size as RunTask set it: its size class and overrides, or "default size" */
    public record Launch(String environment, String cluster, String taskArn, long projectId, long jobId, String size) {
    }

    /** A task state change delivered to the reporter, and whether the reporter handled it. */
    public record Report(String taskArn, String lastStatus, boolean ok, boolean taskReport) {
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final Path logFile;
    private final List<WebhookOutcome> webhooks = new CopyOnWriteArrayList<>();
    private final List<Launch> launches = new CopyOnWriteArrayList<>();
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private final List<String> functionErrors = new CopyOnWriteArrayList<>();
    private final Map<String, String> taskStatus = new ConcurrentHashMap<>();
    private final Map<String, String> taskEnvironment = new ConcurrentHashMap<>();
    private volatile int scalerBatches;
    private volatile int sweeperRuns;
    private volatile int queueDepth;
    private volatile String lastStatusLine = "";

    public Monitor(PrintStream out, Path logFile) {
        this.out = out;
        this.logFile = logFile;
    }

    public Path logFile() {
        return logFile;
    }

    public void info(String what, String message) {
        line(what, message);
    }

    /** A request that reached no function (an unknown route, a body over the limit). */
    void request(String method, String path, int status, String why) {
        String shown = path.length() > 120 ? path.substring(0, 120) + "…" : path;
        line("request", method + " " + shown + " -> " + status + ": " + why);
    }

    /**
     * A line of the scaler's log: its per-job decisions other than launches (which the launch lines show) are
     * shown, so that unroutable, refused and deferred jobs say why on the terminal.
     */
    void scalerLogLine(String line) {
        if (!line.startsWith("{") || !line.contains("decision=")) {
            return;
        }
        try {
            var node = dev.fargatescaler.domain.json.Json.MAPPER.readTree(line);
            String message = node.path("message").asText("");
            if (!message.startsWith("decision=") || message.startsWith("decision=launched")
                    || message.startsWith("decision=already-launched")) {
                return;
            }
            String job = node.hasNonNull("job_id") ? "job " + node.get("job_id").asText()
                    + (node.hasNonNull("project_id") ? " (project " + node.get("project_id").asText() + ")" : "") + ": "
                    : "";
            line("scaler", job + message.substring("decision=".length()));
        } catch (IOException | RuntimeException e) {
            // not one of the function's JSON log lines
        }
    }

    void webhook(String idempotencyKey, int status, String answer) {
        webhooks.add(new WebhookOutcome(idempotencyKey, status, answer));
        line("webhook", status + " " + answer);
    }

    void scalerBatch(int size, int failed, boolean error, long millis) {
        scalerBatches++;
        line("scaler", "batch of " + size + ": " + (error ? "FUNCTION ERROR (whole batch stays queued)"
                : (size - failed) + " done, " + failed + " left in the queue") + " (" + millis + " ms)");
    }

    void launched(Launch launch) {
        launches.add(launch);
        taskEnvironment.put(launch.taskArn(), launch.environment());
        line("launch", launch.environment() + ": job " + launch.jobId() + " -> task " + shortId(launch.taskArn())
                + " in cluster " + launch.cluster() + ", " + launch.size());
    }

    void taskState(String taskArn, String from, String to) {
        taskStatus.put(taskArn, to);
        line("task", taskEnvironment.getOrDefault(taskArn, "?") + ": task " + shortId(taskArn) + " "
                + (from == null ? "" : from + " -> ") + to);
    }

    void reported(String taskArn, String lastStatus, boolean ok, String answer) {
        String what = answer;
        boolean taskReport = false;
        if (ok) {
            try {
                var node = dev.fargatescaler.domain.json.Json.MAPPER.readTree(answer);
                taskReport = node.has("report");
                what = node.path("action").asText("?") + (node.path("reason").isTextual()
                        ? " (" + node.path("reason").asText() + ")" : "")
                        + (taskReport ? " " + compact(node.get("report")) : "");
            } catch (IOException | RuntimeException e) {
                what = answer;
            }
        }
        reports.add(new Report(taskArn, lastStatus, ok, taskReport));
        line("report", taskEnvironment.getOrDefault(taskArn, "?") + ": task " + shortId(taskArn) + " " + lastStatus
                + ": reporter " + (ok ? what : "ERROR " + readableError(answer)));
    }

    void sweeper(boolean ok, String answer, long millis) {
        sweeperRuns++;
        line("sweeper", (ok ? sweepSummary(answer) : "ERROR " + readableError(answer)) + " (" + millis + " ms)");
    }

    /** The sweeper's answer in words: what the reaper and the catch-up did. */
    static String sweepSummary(String answer) {
        try {
            var node = dev.fargatescaler.domain.json.Json.MAPPER.readTree(answer);
            var reaper = node.path("reaper");
            var catchUp = node.path("catchUp");
            return "reaper: " + reaper.path("tasksSeen").asInt() + " task(s) seen, " + reaper.path("reaped").asInt()
                    + " overdue stopped; catch-up: " + catchUp.path("pages").asInt() + " page(s) of pending jobs read, "
                    + catchUp.path("pendingSeen").asInt() + " pending, " + catchUp.path("queued").asInt() + " queued, "
                    + catchUp.path("alreadyRunning").asInt() + " already had a task, " + catchUp.path("skipped").asInt()
                    + " skipped" + (catchUp.path("stoppedBy").isTextual() && !catchUp.path("stoppedBy").asText().isEmpty()
                    && !"nothing".equals(catchUp.path("stoppedBy").asText())
                    ? " (stopped by " + catchUp.path("stoppedBy").asText() + ")" : "");
        } catch (IOException | RuntimeException e) {
            return "ran: " + answer;
        }
    }

    void functionError(String function, String error) {
        String readable = readableError(error);
        functionErrors.add(function + ": " + readable);
        line("error", function + ": " + readable);
    }

    /** Lambda's error document ({@code errorType}, {@code errorMessage}) as text, its message unescaped. */
    static String readableError(String error) {
        try {
            var node = dev.fargatescaler.domain.json.Json.MAPPER.readTree(error);
            if (node != null && node.has("errorMessage")) {
                return node.path("errorType").asText("error") + ": " + node.path("errorMessage").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: shown as it is
        }
        return error;
    }

    void queueDepth(int depth) {
        this.queueDepth = depth;
    }

    /** Prints the per-environment status when it changed. */
    void status() {
        String line = statusLine();
        if (!line.equals(lastStatusLine)) {
            lastStatusLine = line;
            line("status", line);
        }
    }

    public String statusLine() {
        Map<String, int[]> byEnvironment = new TreeMap<>();
        taskEnvironment.forEach((task, env) -> {
            int[] counts = byEnvironment.computeIfAbsent(env, e -> new int[4]);
            String status = taskStatus.getOrDefault(task, "PROVISIONING");
            switch (status) {
                case "RUNNING" -> counts[1]++;
                case "DEACTIVATING", "STOPPING", "DEPROVISIONING" -> counts[2]++;
                case "STOPPED", "DELETED" -> counts[3]++;
                default -> counts[0]++;
            }
        });
        StringBuilder b = new StringBuilder("queued ").append(queueDepth);
        byEnvironment.forEach((env, c) -> b.append(" | ").append(env).append(": launching ").append(c[0])
                .append(", running ").append(c[1]).append(c[2] > 0 ? ", stopping " + c[2] : "")
                .append(", stopped ").append(c[3]));
        return b.toString();
    }

    public String summary() {
        long accepted = webhooks.stream().filter(w -> w.status() / 100 == 2).count();
        return "summary: " + webhooks.size() + " webhook(s) (" + accepted + " answered 2xx), " + scalerBatches
                + " scaler batch(es), " + launches.size() + " task(s) launched, " + reports.size()
                + " report(s), " + sweeperRuns + " sweeper run(s), " + functionErrors.size() + " function error(s); "
                + statusLine();
    }

    public List<WebhookOutcome> webhooks() {
        return List.copyOf(webhooks);
    }

    public List<Launch> launches() {
        return List.copyOf(launches);
    }

    public List<Report> reports() {
        return List.copyOf(reports);
    }

    public List<String> functionErrors() {
        return List.copyOf(functionErrors);
    }

    public int sweeperRuns() {
        return sweeperRuns;
    }

    public int scalerBatches() {
        return scalerBatches;
    }

    public int queueDepthSeen() {
        return queueDepth;
    }

    public Map<String, String> taskStatuses() {
        return Map.copyOf(taskStatus);
    }

    /**
     * The task report's key figures: outcome, job, durations and estimated cost (the full report is in the
     * reporter's log; docs/lifecycle.md lists its fields).
     */
    static String compact(com.fasterxml.jackson.databind.JsonNode report) {
        StringBuilder b = new StringBuilder();
        for (String field : List.of("outcome", "reason", "job_id", "attempt", "size_class", "exit_code",
                "start_latency_ms", "run_ms", "billed_s", "cost_usd", "relaunch")) {
            if (report.hasNonNull(field)) {
                String value = "cost_usd".equals(field)
                        ? String.format(java.util.Locale.ROOT, "%.6f", report.get(field).asDouble())
                        : report.get(field).asText();
                b.append(b.length() == 0 ? "" : " ").append(field).append('=').append(value);
            }
        }
        return b.toString();
    }

    /** Terminal escape sequences (colours, cursor moves), which a log file must not keep. */
    private static final java.util.regex.Pattern ANSI = java.util.regex.Pattern.compile("\\x1B\\[[0-9;?]*[ -/]*[@-~]");

    static String withoutTerminalCodes(String text) {
        return ANSI.matcher(text).replaceAll("");
    }

    static String shortId(String taskArn) {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private synchronized void line(String what, String message) {
        String text = LocalTime.now().format(TIME) + " " + String.format("%-8s", what) + " " + message;
        out.println(text);
        out.flush();
        if (logFile != null) {
            try {
                Files.writeString(logFile, withoutTerminalCodes(text) + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** For the demo's report: the lines it prints go through here too. */
    public List<String> describeLaunches() {
        List<String> lines = new ArrayList<>();
        for (Launch l : launches) {
            lines.add(l.environment() + " job " + l.jobId() + " task " + shortId(l.taskArn()) + " status "
                    + taskStatus.getOrDefault(l.taskArn(), "?") + ", " + l.size());
        }
        return lines;
    }
}
