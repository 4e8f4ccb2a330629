package io.mailroom.bus;

import io.mailroom.audience.Recipient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aRecordTravelsAsItIsAndTheReplyComesBackTyped() throws Exception {
    Channels.install(vertx.eventBus());
    Channels.install(vertx.eventBus());
    QueuePage page = QueuePage.of("c_1", "t_1", null, "news", List.of(new Recipient("a@example.com", "A", "f", 1L, true)));
    Channels.QUEUE_PAGE.consumer(vertx.eventBus(), m -> m.reply(m.body() == page ? m.body().size() : -1))
        .completion().await(30, TimeUnit.SECONDS);

    int queued = Channels.QUEUE_PAGE.request(vertx.eventBus(), page).await(30, TimeUnit.SECONDS);

    assertThat(queued).as("the consumer got the sender's record, not a copy").isEqualTo(1);
  }

  @Test
  void aConsumerFailureReachesTheSenderWithItsCode() throws Exception {
    Channels.install(vertx.eventBus());
    Channels.SUBSCRIPTION_CHANGE.consumer(vertx.eventBus(), m -> m.fail(400, "unknown_topic"))
        .completion().await(30, TimeUnit.SECONDS);

    assertThatThrownBy(() -> Channels.SUBSCRIPTION_CHANGE.request(vertx.eventBus(),
        SubscriptionChange.keep("token", List.of("nope"), "page")).await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("unknown_topic");
        });
  }

  @Test
  void aPageLargerThanOneSqsBatchCannotBeMade() {
    List<Recipient> eleven = IntStream.range(0, 11)
        .mapToObj(i -> new Recipient("c" + i + "@example.com", "C", "f", 1L, true)).toList();
    assertThatThrownBy(() -> QueuePage.of("c_1", "t_1", null, null, eleven))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 10");
    assertThatThrownBy(() -> QueuePage.of("c_1", null, null, null, eleven.subList(0, 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("templateId");
    assertThat(QueuePage.parked("c_1", Collections.nCopies(10, "{}")).size()).isEqualTo(10);
  }
}
