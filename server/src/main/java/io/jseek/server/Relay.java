package io.jseek.server;

import io.jseek.generate.ChatListener;
import io.jseek.generate.ChatResult;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a reply's deltas from the engine thread to the request's own thread, which writes them to
 * the socket: the engine never blocks on a slow client.
 */
final class Relay implements ChatListener {
    sealed interface Event permits Reasoning, Content, ToolStart, ToolArgs, Done {
    }

    record Reasoning(String text) implements Event {
    }

    record Content(String text) implements Event {
    }

    record ToolStart(int index, String id, String name) implements Event {
    }

    record ToolArgs(int index, String fragment) implements Event {
    }

    record Done(ChatResult result) implements Event {
    }

    private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();

    @Override
    public void onReasoning(String delta) {
        queue.add(new Reasoning(delta));
    }

    @Override
    public void onContent(String delta) {
        queue.add(new Content(delta));
    }

    @Override
    public void onToolCall(int index, String id, String name) {
        queue.add(new ToolStart(index, id, name));
    }

    @Override
    public void onToolArguments(int index, String fragment) {
        queue.add(new ToolArgs(index, fragment));
    }

    @Override
    public void onFinish(ChatResult result) {
        queue.add(new Done(result));
    }

    /** The next event, or null after {@code millis} without one (time for a keep-alive). */
    Event next(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }
}
