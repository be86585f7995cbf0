package dev.fargatescaler.local.runtime;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * One function's execution environments, as Lambda scales them: an invocation goes to an idle environment, or
 * to a new one (its own {@link FunctionWorker} JVM, so its own handler instance and SDK clients) while fewer
 * than {@code maxConcurrency} exist; beyond that it waits for one to be free (where Lambda would throttle).
 * Environments are started on demand and kept warm; one whose invocation timed out is restarted on its next use.
 * Creating a pool writes the function's {@link AotCache} in the background when it is missing.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
 */
public final class FunctionPool implements AutoCloseable {

    private final FunctionWorker.Spec spec;
    private final int maxConcurrency;
    private final List<FunctionWorker> all = new ArrayList<>();
    private final Deque<FunctionWorker> idle = new ArrayDeque<>();
    private boolean closed;

    public FunctionPool(FunctionWorker.Spec spec, int maxConcurrency) {
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, got " + maxConcurrency);
        }
        this.spec = Objects.requireNonNull(spec);
        this.maxConcurrency = maxConcurrency;
        if (spec.aot() != null) {
            // A pool serves many cold starts (bin/local start, demo): worth a training run, in the background.
            spec.aot().trainInBackground(spec);
        }
    }

    public FunctionWorker.Spec spec() {
        return spec;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** How many execution environments exist now (busy or idle). */
    public synchronized int environments() {
        return all.size();
    }

    public FunctionWorker.Result invoke(byte[] event) throws IOException {
        FunctionWorker worker = acquire();
        try {
            return worker.invoke(event);
        } finally {
            release(worker);
        }
    }

    private synchronized FunctionWorker acquire() throws IOException {
        while (true) {
            if (closed) {
                throw new IOException(spec.name() + ": stopped");
            }
            if (!idle.isEmpty()) {
                return idle.pop(); // the most recently used: warm, as Lambda prefers
            }
            if (all.size() < maxConcurrency) {
                FunctionWorker worker = new FunctionWorker(spec);
                all.add(worker);
                return worker;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(spec.name() + ": interrupted while waiting for a free execution environment", e);
            }
        }
    }

    private synchronized void release(FunctionWorker worker) {
        if (closed) {
            worker.close();
            return;
        }
        idle.push(worker);
        notifyAll();
    }

    @Override
    public void close() {
        List<FunctionWorker> workers;
        synchronized (this) {
            closed = true;
            workers = new ArrayList<>(all);
            notifyAll();
        }
        workers.forEach(FunctionWorker::close);
        if (spec.aot() != null) {
            spec.aot().close();
        }
    }
}
