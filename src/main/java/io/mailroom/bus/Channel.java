package io.mailroom.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * An event-bus address with the type of what is sent to it ({@code T}) and of what its consumer
 * replies ({@code R}). Sending and consuming through a channel keeps both ends on one type.
 */
public record Channel<T, R>(String address, Class<T> type) {

  /** Waits {@code DeliveryOptions}' default (30 s) for the reply. */
  public Future<R> request(EventBus bus, T message) {
    return request(bus, message, DeliveryOptions.DEFAULT_TIMEOUT);
  }

  public Future<R> request(EventBus bus, T message, long timeoutMillis) {
    return bus.<R>request(address, message, new DeliveryOptions().setSendTimeout(timeoutMillis)).map(Message::body);
  }

  public void publish(EventBus bus, T message) {
    bus.publish(address, message);
  }

  public MessageConsumer<T> consumer(EventBus bus, Handler<Message<T>> handler) {
    return bus.consumer(address, handler);
  }

  public MessageConsumer<T> localConsumer(EventBus bus, Handler<Message<T>> handler) {
    return bus.localConsumer(address, handler);
  }
}
