package io.djdeploy.step;

/** Receives engine events; must be thread-safe (hosts run in parallel). */
@FunctionalInterface
public interface EventSink {
    EventSink NONE = e -> { };

    void emit(Event event);
}
