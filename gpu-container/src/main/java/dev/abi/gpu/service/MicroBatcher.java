package dev.abi.gpu.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Gathers requests into batches: one worker thread takes the oldest waiting request and every other one queued
 * behind it (up to {@code maxBatch}), runs them as one call, and completes each request's future. No timer: while a
 * batch runs, the requests that arrive meanwhile queue up and become the next batch, so batches grow with load and a
 * lone request waits for nothing.
 *
 * @param <Q> a request
 * @param <A> its answer; {@code work} returns one per request, in order
 */
public final class MicroBatcher<Q, A> implements AutoCloseable {

    private record Pending<Q, A>(Q request, CompletableFuture<A> answer) {}

    private final BlockingQueue<Pending<Q, A>> queue = new LinkedBlockingQueue<>();
    private final int maxBatch;
    private final Function<List<Q>, List<A>> work;
    private final Thread worker;
    private volatile boolean closed;

    public MicroBatcher(String name, int maxBatch, Function<List<Q>, List<A>> work) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.work = work;
        this.worker = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    /** Queues a request; the future completes with its answer or the batch's failure. */
    public CompletableFuture<A> submit(Q request) {
        if (closed) {
            throw new IllegalStateException("the batcher is closed");
        }
        CompletableFuture<A> f = new CompletableFuture<>();
        queue.add(new Pending<>(request, f));
        return f;
    }

    private void run() {
        List<Pending<Q, A>> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, maxBatch - 1);
            try {
                List<A> answers =
                        work.apply(batch.stream().map(Pending::request).toList());
                if (answers.size() != batch.size()) {
                    throw new IllegalStateException(answers.size() + " answers to " + batch.size() + " requests");
                }
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).answer().complete(answers.get(i));
                }
            } catch (RuntimeException | Error e) {
                for (Pending<Q, A> p : batch) {
                    p.answer().completeExceptionally(e);
                }
            }
            batch.clear();
        }
        Pending<Q, A> p;
        while ((p = queue.poll()) != null) {
            p.answer().completeExceptionally(new IllegalStateException("the batcher is closed"));
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }
}
