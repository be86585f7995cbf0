package dev.fargatescaler.local.start;

import dev.fargatescaler.local.LocalStack;
import dev.fargatescaler.testkit.template.CfnEvaluator;
import dev.fargatescaler.local.template.SamTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The event sources the template attaches to its functions (SAM {@code Events}), which local mode emulates:
 * HTTP API routes, SQS queues, EventBridge rules and schedules.
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-eventsource.html
 */
public record EventSources(List<Route> routes, List<QueueSource> queues, List<RuleSource> rules,
                           List<ScheduleSource> schedules) {

    /** {@code HttpApi}/{@code Api}: requests on {@code method path} invoke the function. */
    public record Route(String function, String method, String path) {
    }

    /**
     * {@code SQS}: Lambda's poller.
     *
     * @param reportBatchItemFailures {@code FunctionResponseTypes: [ReportBatchItemFailures]}
     * @param maximumConcurrency      {@code ScalingConfig.MaximumConcurrency}: most batches at once; 0 = not set
     */
    public record QueueSource(String function, String queueUrl, String queueArn, int batchSize,
                              Duration batchingWindow, boolean reportBatchItemFailures, int maximumConcurrency) {
    }

    /** {@code EventBridgeRule}/{@code CloudWatchEvent}: events matching the pattern invoke the function. */
    public record RuleSource(String function, Object pattern) {
    }

    /**
     * {@code Schedule}/{@code ScheduleV2} with a {@code rate(...)} expression.
     *
     * @param input the schedule's {@code Input}: EventBridge then sends this JSON instead of the scheduled event
     *              (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-schedule.html);
     *              null without one
     */
    public record ScheduleSource(String function, Duration rate, String expression, String input) {
    }

    private static final Pattern RATE = Pattern.compile("rate\\((\\d+)\\s+(minute|minutes|hour|hours|day|days)\\)");

    public static EventSources of(LocalStack stack) {
        SamTemplate template = stack.template();
        CfnEvaluator intrinsics = stack.evaluator();
        List<Route> routes = new ArrayList<>();
        List<QueueSource> queues = new ArrayList<>();
        List<RuleSource> rules = new ArrayList<>();
        List<ScheduleSource> schedules = new ArrayList<>();
        for (String id : template.functionIds()) {
            for (Object value : template.function(id).events().values()) {
                Map<String, Object> event = SamTemplate.map(value);
                String type = String.valueOf(event.get("Type"));
                Map<String, Object> props = SamTemplate.map(event.get("Properties"));
                switch (type) {
                    case "HttpApi", "Api" -> routes.add(new Route(id,
                            String.valueOf(props.getOrDefault("Method", "ANY")).toUpperCase(Locale.ROOT),
                            String.valueOf(props.getOrDefault("Path", "/"))));
                    case "SQS" -> {
                        String arn = intrinsics.resolveString(props.get("Queue"));
                        String url = stack.ids().queueUrlForArn(arn);
                        if (url == null) {
                            throw new IllegalStateException(id + ": no local queue for " + arn);
                        }
                        int batch = props.containsKey("BatchSize")
                                ? Integer.parseInt(intrinsics.resolveString(props.get("BatchSize"))) : 10;
                        int window = props.containsKey("MaximumBatchingWindowInSeconds")
                                ? Integer.parseInt(intrinsics.resolveString(props.get("MaximumBatchingWindowInSeconds")))
                                : 0;
                        Object types = intrinsics.resolve(props.getOrDefault("FunctionResponseTypes", List.of()));
                        Object scaling = SamTemplate.map(props.get("ScalingConfig")).get("MaximumConcurrency");
                        int maximum = scaling == null ? 0 : Integer.parseInt(intrinsics.resolveString(scaling));
                        queues.add(new QueueSource(id, url, arn, batch, Duration.ofSeconds(window),
                                types instanceof List<?> l && l.contains("ReportBatchItemFailures"), maximum));
                    }
                    case "EventBridgeRule", "CloudWatchEvent" ->
                            rules.add(new RuleSource(id, intrinsics.resolve(props.get("Pattern"))));
                    case "Schedule", "ScheduleV2" -> {
                        String expression = intrinsics.resolveString(
                                props.getOrDefault("Schedule", props.get("ScheduleExpression")));
                        // A schedule whose State resolves to DISABLED (or Enabled to false) never fires.
                        Object state = props.containsKey("State") ? intrinsics.resolve(props.get("State")) : null;
                        Object enabled = props.containsKey("Enabled") ? intrinsics.resolve(props.get("Enabled")) : null;
                        if ("DISABLED".equals(String.valueOf(state)) || "false".equals(String.valueOf(enabled))) {
                            continue;
                        }
                        Object input = props.containsKey("Input") ? intrinsics.resolve(props.get("Input")) : null;
                        schedules.add(new ScheduleSource(id, rate(expression), expression,
                                input == null ? null : String.valueOf(input)));
                    }
                    default -> {
                        // Other sources (S3, SNS...) are not used by this product.
                    }
                }
            }
        }
        return new EventSources(List.copyOf(routes), List.copyOf(queues), List.copyOf(rules), List.copyOf(schedules));
    }

    /** {@code rate(N unit)}; a cron expression runs every 5 minutes locally (see docs/local-mode.md). */
    static Duration rate(String expression) {
        Matcher m = RATE.matcher(expression == null ? "" : expression.strip());
        if (!m.matches()) {
            return Duration.ofMinutes(5);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "minute", "minutes" -> Duration.ofMinutes(n);
            case "hour", "hours" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
