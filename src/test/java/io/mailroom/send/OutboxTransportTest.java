package io.mailroom.send;

import io.mailroom.render.RenderedEmail;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox writes each email whole or not at all, and its file is the proof that it went out. */
class OutboxTransportTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static RenderedEmail email(String to) {
    return new RenderedEmail("c_outbox", "Shop <news@shop.example.com>", to, "Hello", "<p>Hello</p>", "Hello",
        List.of(new RenderedEmail.Header("List-Unsubscribe", "<https://shop.example.com/u/t>")));
  }

  @Test
  void anEmailIsOneCompleteFileThatTheTransportFindsAgain(@TempDir Path dir) throws Exception {
    OutboxTransport outbox = new OutboxTransport(vertx, dir);

    String id = outbox.send(email("a@example.com"), "1-abc").await(30, TimeUnit.SECONDS);

    Path campaign = dir.resolve("c_outbox");
    try (Stream<Path> files = Files.list(campaign)) {
      assertThat(files.map(f -> f.getFileName().toString())).as("no partial file is left")
          .containsExactly("a@example.com.eml");
    }
    String eml = Files.readString(campaign.resolve("a@example.com.eml"));
    assertThat(eml).contains("Message-ID: <1-abc@mailroom.outbox>").contains("List-Unsubscribe:").endsWith("--\r\n");
    assertThat(outbox.canFind()).isTrue();
    assertThat(outbox.find("c_outbox", "a@example.com", "1-abc").await(30, TimeUnit.SECONDS)).contains(id);
    assertThat(outbox.find("c_outbox", "b@example.com", "1-def").await(30, TimeUnit.SECONDS))
        .as("an email that never arrived").isEqualTo(Optional.empty());
  }

  @Test
  void sendingAgainReplacesTheFileWhole(@TempDir Path dir) throws Exception {
    OutboxTransport outbox = new OutboxTransport(vertx, dir);
    outbox.send(email("a@example.com"), "1-abc").await(30, TimeUnit.SECONDS);

    outbox.send(email("a@example.com"), "2-def").await(30, TimeUnit.SECONDS);

    String eml = Files.readString(dir.resolve("c_outbox").resolve("a@example.com.eml"));
    assertThat(eml).contains("<2-def@mailroom.outbox>").doesNotContain("1-abc");
  }
}
