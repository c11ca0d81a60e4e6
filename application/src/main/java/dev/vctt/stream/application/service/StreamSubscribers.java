package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.in.StreamToolCall;
import dev.vctt.stream.application.port.in.StreamToolResult;
import dev.vctt.stream.application.port.in.StreamStarted;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everyone listening to one stream: the connection that started it and any that resumed it. Events
 * go to each in turn; one listener's fault does not keep the event from the others.
 */
final class StreamSubscribers implements StreamEvents {

    private static final Logger log = LoggerFactory.getLogger(StreamSubscribers.class);

    private record Subscriber(ClientId client, StreamEvents events) {
    }

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    void add(ClientId client, StreamEvents events) {
        subscribers.add(new Subscriber(client, events));
    }

    void removeAllOf(ClientId client) {
        subscribers.removeIf(s -> s.client().equals(client));
    }

    boolean includes(ClientId client) {
        return subscribers.stream().anyMatch(s -> s.client().equals(client));
    }

    boolean isEmpty() {
        return subscribers.isEmpty();
    }

    @Override
    public void started(StreamStarted event) {
        each(events -> events.started(event));
    }

    @Override
    public void chunk(StreamChunk event) {
        // the chunk path: a plain loop, no lambda per chunk
        for (Subscriber subscriber : subscribers) {
            try {
                subscriber.events().chunk(event);
            } catch (RuntimeException e) {
                log.error("a listener of client {} refused a chunk", subscriber.client(), e);
            }
        }
    }

    @Override
    public void completed(StreamCompleted event) {
        each(events -> events.completed(event));
    }

    @Override
    public void failed(StreamFailed event) {
        each(events -> events.failed(event));
    }

    @Override
    public void fellBack(StreamFellBack event) {
        each(events -> events.fellBack(event));
    }

    @Override
    public void toolCalled(StreamToolCall event) {
        each(events -> events.toolCalled(event));
    }

    @Override
    public void toolAnswered(StreamToolResult event) {
        each(events -> events.toolAnswered(event));
    }

    private void each(Consumer<StreamEvents> delivery) {
        for (Subscriber subscriber : subscribers) {
            try {
                delivery.accept(subscriber.events());
            } catch (RuntimeException e) {
                log.error("a listener of client {} refused an event", subscriber.client(), e);
            }
        }
    }
}
