package io.mailroom.subscription;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnsubscribeTokenTest {
  private static final String OLD = "old-unsubscribe-secret-0123456789";
  private static final String NEW = "new-unsubscribe-secret-9876543210";

  @Test
  void aTokenOpensToWhatItWasSealedFor() {
    UnsubscribeToken tokens = new UnsubscribeToken(List.of(NEW));
    String token = tokens.seal("kim.minsu@example.com", "c_abc123", 1_764_000_000L);
    assertThat(tokens.open(token)).contains(new UnsubscribeToken.Claims("kim.minsu@example.com", "c_abc123",
        1_764_000_000L));
    assertThat(token).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void theAddressIsNotReadableInTheToken() {
    String token = new UnsubscribeToken(List.of(NEW)).seal("kim.minsu@example.com", "c_abc123", 1L);
    String decoded = new String(Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(token).doesNotContain("kim").doesNotContain("example");
    assertThat(decoded).doesNotContain("kim.minsu").doesNotContain("example.com").doesNotContain("c_abc123");
  }

  @Test
  void everyChangedCharacterIsRefused() {
    UnsubscribeToken tokens = new UnsubscribeToken(List.of(NEW));
    String token = tokens.seal("a@example.com", "c_1", 42L);
    for (int i = 0; i < token.length(); i++) {
      char replacement = token.charAt(i) == 'A' ? 'B' : 'A';
      String tampered = token.substring(0, i) + replacement + token.substring(i + 1);
      if (!tampered.equals(token)) {
        assertThat(tokens.open(tampered)).as("tampered at %d", i).isEmpty();
      }
    }
    assertThat(tokens.open(token.substring(0, token.length() - 2))).isEmpty();
    assertThat(tokens.open("")).isEmpty();
    assertThat(tokens.open("not a token!")).isEmpty();
    assertThat(tokens.open(null)).isEmpty();
  }

  @Test
  void rotatedSecretsStillOpenOldTokensButOnlyTheNewOneSeals() {
    String old = new UnsubscribeToken(List.of(OLD)).seal("a@example.com", "c_1", 42L);
    UnsubscribeToken rotated = new UnsubscribeToken(List.of(NEW, OLD));
    assertThat(rotated.open(old)).map(UnsubscribeToken.Claims::email).contains("a@example.com");
    String fresh = rotated.seal("a@example.com", "c_1", 42L);
    assertThat(new UnsubscribeToken(List.of(NEW)).open(fresh)).isPresent();
    assertThat(new UnsubscribeToken(List.of(OLD)).open(fresh)).isEmpty();
    assertThat(new UnsubscribeToken(List.of(NEW)).open(old)).isEmpty();
  }

  @Test
  void tokensDifferPerCampaignAndRecipient() {
    UnsubscribeToken tokens = new UnsubscribeToken(List.of(NEW));
    assertThat(tokens.seal("a@example.com", "c_1", 1L)).isNotEqualTo(tokens.seal("a@example.com", "c_2", 1L))
        .isNotEqualTo(tokens.seal("b@example.com", "c_1", 1L));
  }

  @Test
  void addressesAreMaskedForPages() {
    assertThat(UnsubscribeHandler.mask("customer0007@example.com")).isEqualTo("c******7@example.com");
    assertThat(UnsubscribeHandler.mask("ab@example.com")).isEqualTo("a*@example.com");
  }
}
