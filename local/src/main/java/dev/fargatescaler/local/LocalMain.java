package dev.fargatescaler.local;

import dev.fargatescaler.local.cli.Args;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code bin/local}: runs this project's functions on this machine.
 * <ul>
 *   <li>{@code invoke}: one function, once, like {@code sam local invoke};</li>
 *   <li>{@code start}: the whole pipeline against moto_server, serving webhooks;</li>
 *   <li>{@code demo}: the pipeline with the sample webhooks, checking what happened.</li>
 * </ul>
 */
public final class LocalMain {

    static final String USAGE = """
            usage: bin/local <command> [options]
              invoke <LogicalId> -e <event.json> [--env-vars FILE]   run one function once (like sam local invoke)
              start [--port N] [--aws-endpoint URL | --real-aws] [--gitlab-url URL --gitlab-token TOKEN]
                    [--concurrency N]                                run the whole pipeline, serving webhooks
              demo                                                   run the pipeline on the sample webhooks
              sign-webhook <event.json|->                            sign a webhook event with the local signing secret
            Run a command with --help for its options. Exit status 2: bad input, nothing started.
            Details: docs/local-mode.md""";

    private LocalMain() {
    }

    public static void main(String[] args) {
        // Before anything logs: this process's own logs go to stderr (stdout carries results only).
        System.setProperty("log4j2.configurationFile", "local-log4j2.xml");
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    static int run(String[] args, java.util.Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0])) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Path root = projectRoot();
        try {
            return switch (args[0]) {
                case "invoke" -> InvokeCommand.run(root, args, env, out, err);
                case "start" -> StartCommand.run(root, args, out, err);
                case "demo" -> DemoCommand.run(root, args, out, err);
                case "sign-webhook" -> SignWebhookCommand.run(root, args, out);
                default -> throw new Args.UsageException("unknown command " + args[0]);
            };
        } catch (Args.UsageException e) {
            err.println("bin/local: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (dev.fargatescaler.local.cli.UserError e) {
            err.println("bin/local: " + e.getMessage());
            return 2;
        } catch (dev.fargatescaler.domain.errors.ConfigurationException e) {
            err.println("bin/local: the configuration has " + e.problems().size() + " problem"
                    + (e.problems().size() == 1 ? "" : "s") + "; nothing was started:");
            e.problems().forEach(p -> err.println("  - " + p));
            return 2;
        } catch (Exception e) {
            err.println("bin/local: " + e);
            return 1;
        }
    }

    /** The project directory: {@code -Dglfs.root} (set by bin/local), else the working directory. */
    static Path projectRoot() {
        String root = System.getProperty("glfs.root");
        return Path.of(root == null || root.isBlank() ? "." : root).toAbsolutePath().normalize();
    }
}
