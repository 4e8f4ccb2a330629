package io.mailroom.audience;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the send path sends to: one plain mailbox, lower-cased, however it was stored or queued. */
class RecipientTest {
  @Test
  void theAddressSentToIsLowerCasedWhereverTheRecipientComesFrom() {
    assertThat(new Recipient("Mixed@Example.COM", "", "", 0, true).email()).isEqualTo("mixed@example.com");
    assertThat(Recipient.fromJson(new JsonObject().put("email", "Queued@Example.COM")).email())
        .isEqualTo("queued@example.com");
    assertThat(Recipient.fromItem(Map.of("Email", AttributeValue.fromS("Stored@Example.COM"))).email())
        .isEqualTo("stored@example.com");
  }

  @Test
  void onlyOnePlainMailboxIsSendable() {
    assertThat(Recipient.address(" Kim.O'Hara+news@Mail.Example.com ")).isEqualTo("kim.o'hara+news@mail.example.com");
    for (String bad : new String[] {"\"Kim\" <kim@example.com>", "\"Kim\"<kim@example.com>", "<kim@example.com>",
        "a@example.com, c@example.com", "a@example.com,c@example.com", "comma,x@example.com", "quo\"te@example.com",
        "ctl\u0001@example.com", "new\nline@example.com", "tab\there@example.com", "two@at@example.com",
        "nodomain@", "@example.com", "nodot@localhost", "kim@example.com\r\nBcc: x@example.com", ""}) {
      assertThat(Recipient.address(bad)).as(bad).isNull();
      assertThat(new Recipient(bad, "", "", 0, true).sendable()).as(bad).isFalse();
    }
    assertThat(new Recipient("Kim@Example.com", "", "", 0, true).sendable()).isTrue();
  }
}
