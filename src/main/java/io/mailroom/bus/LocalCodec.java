package io.mailroom.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Hands an immutable message record to a consumer on the same node as it is. Mailroom's nodes
 * share no event bus (they meet in the tables and on SQS), so a message never goes on the wire.
 */
final class LocalCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  LocalCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    throw new UnsupportedOperationException(type.getSimpleName() + " messages stay on their node");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(type.getSimpleName() + " messages stay on their node");
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return "mailroom.local." + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
