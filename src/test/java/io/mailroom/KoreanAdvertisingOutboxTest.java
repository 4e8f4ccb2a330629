package io.mailroom;

import io.mailroom.campaign.Template;
import io.mailroom.testing.ReceivedEmail;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Korean advertising rules on the outbox transport's {@code .eml} files, as a mail client reads them. */
@ExtendWith(VertxExtension.class)
class KoreanAdvertisingOutboxTest {
  private static final int CUSTOMERS = 2;

  @Test
  void everyEmlFileCarriesTheMarkOnceAndTheFooterInBothParts(Vertx vertx, @TempDir Path dir) throws Exception {
    try (TestNode node = TestNode.named("kr-outbox")
        .config(json -> {
          json.getJsonObject("compliance").put("profile", "kr");
          json.put("transport", "outbox");
          json.getJsonObject("outbox").put("dir", dir.toString());
        })
        .template(new Template(TestNode.TEMPLATE_ID, "test", "(광고) Hello {{ Name }}", "<p>Hello {{ Name }}</p>",
            "Hello {{ Name }}", List.of()))
        .customers(CUSTOMERS, i -> "outbox" + i + "@example.com")
        .start(vertx)) {
      String id = node.startCampaign();
      assertThat(node.awaitFinished(id).getJsonObject("counts").getLong("sent")).isEqualTo(CUSTOMERS);
      List<Path> files;
      try (Stream<Path> listed = Files.list(dir.resolve(id))) {
        files = listed.filter(p -> p.toString().endsWith(".eml")).toList();
      }
      assertThat(files).hasSize(CUSTOMERS);
      for (Path file : files) {
        ReceivedEmail email = ReceivedEmail.parse(Files.readAllBytes(file));
        assertThat(email.subject()).as(file.toString()).matches("\\(광고\\) Hello Customer \\d");
        assertThat(email.html()).contains("class=\"legal-footer\"", "발신자: Mailroom Fashion", ">수신거부</a>",
            ">unsubscribe</a>").doesNotContain("수신거부 및 수신 설정", "change your preferences");
        assertThat(email.text()).contains("수신거부(무료, 한 번에 처리): http", "Unsubscribe (free, one step): http")
            .doesNotContain("change your preferences");
      }
    }
  }
}
