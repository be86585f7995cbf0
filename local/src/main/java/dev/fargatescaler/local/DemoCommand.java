package dev.fargatescaler.local;

import dev.fargatescaler.local.cli.Args;
import dev.fargatescaler.local.start.Demo;
import dev.fargatescaler.local.start.LocalPipeline;
import dev.fargatescaler.local.start.Monitor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code bin/local demo}: starts the pipeline (on a free port, with its own moto_server), sends the sample
 * webhooks, prints what happened and exits 0 only if every expectation held.
 */
public final class DemoCommand {

    static final String USAGE = """
            usage: bin/local demo [--aws-endpoint URL] [--log-dir DIR]
              Starts the pipeline, sends the sample webhooks (jobs for dev, staging and production, one that no
              environment serves, a duplicate), prints what happened and exits 0 only if every expectation held.""";

    private DemoCommand() {
    }

    static int run(Path root, String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        Args parsed = StartCommand.parse(args);
        if (parsed.flag("--help")) {
            out.println(USAGE);
            return 0;
        }
        if (parsed.flag("--real-aws")) {
            throw new Args.UsageException("the demo never runs against a real account");
        }
        // The demo runs the sweeper and the warm-pool keeper itself, when its story needs them.
        LocalPipeline.Options options = StartCommand.options(root, parsed, 0, Duration.ofHours(1), Duration.ofHours(1));
        return run(options, out) ? 0 : 1;
    }

    /** Runs the demo on a fresh pipeline; true if every expectation held. */
    public static boolean run(LocalPipeline.Options options, PrintStream out) throws IOException, InterruptedException {
        Monitor monitor = new Monitor(out, options.logDir().resolve("local.log"));
        java.nio.file.Files.createDirectories(options.logDir());
        try (LocalPipeline pipeline = LocalPipeline.start(options, monitor)) {
            // Each phase waits for tasks to provision, run their job and stop: allow that, and more on a slow machine.
            Duration settle = Duration.ofSeconds(90).plus(options.fargate() == null ? Duration.ZERO
                    : options.fargate().provisioningDelay().multipliedBy(2));
            List<Demo.Expectation> expectations = new Demo(pipeline, out, settle).run();
            boolean allHeld = expectations.stream().allMatch(Demo.Expectation::held);
            out.println(allHeld ? "demo: every expectation held" : "demo: SOME EXPECTATIONS FAILED (logs: "
                    + options.logDir() + ")");
            return allHeld;
        }
    }
}
