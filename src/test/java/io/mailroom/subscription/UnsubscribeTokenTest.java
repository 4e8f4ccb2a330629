package io.mailroom.subscription;

import com.google.crypto.tink.subtle.AesSiv;
import com.google.crypto.tink.subtle.Hkdf;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnsubscribeTokenTest {
  private static final String OLD = "old-unsubscribe-secret-0123456789";
  private static final String NEW = "new-unsubscribe-secret-9876543210";
  private static final Instant ISSUED = Instant.ofEpochMilli(1_764_000_000_123L);

  @Test
  void aTokenOpensToWhatItWasSealedFor() {
    UnsubscribeToken tokens = new UnsubscribeToken(List.of(NEW));
    String token = tokens.seal("kim.minsu@example.com", "c_abc123", ISSUED);
    assertThat(tokens.open(token)).contains(new UnsubscribeToken.Claims("kim.minsu@example.com", "c_abc123",
        ISSUED, UnsubscribeToken.Kind.CAMPAIGN));
    assertThat(token).matches("[A-Za-z0-9_-]+");
    String preview = tokens.sealPreview("kim.minsu@example.com", "c_abc123", ISSUED);
    assertThat(tokens.open(preview)).map(UnsubscribeToken.Claims::kind).contains(UnsubscribeToken.Kind.PREVIEW);
  }

  @Test
  void newTokensAreAesSivUnderTheDocumentedHkdfKey() throws Exception {
    String token = new UnsubscribeToken(List.of(NEW)).seal("a@example.com", "c_1", ISSUED);
    byte[] raw = Base64.getUrlDecoder().decode(token);
    assertThat(raw[0]).isEqualTo((byte) 2);
    byte[] key = Hkdf.computeHkdf("HMACSHA256", NEW.getBytes(StandardCharsets.UTF_8),
        "mailroom unsubscribe token".getBytes(StandardCharsets.UTF_8),
        "mailroom unsubscribe token v2 aes-siv".getBytes(StandardCharsets.UTF_8), 64);
    byte[] plain = new AesSiv(key).decryptDeterministically(Arrays.copyOfRange(raw, 1, raw.length), new byte[] {2});
    assertThat(plain[0]).as("kind: campaign").isZero();
    assertThat(new String(plain, 8, plain.length - 8, StandardCharsets.UTF_8)).isEqualTo("c_1a@example.com");
    assertThat(plain[7]).as("campaign id length").isEqualTo((byte) 3);
  }

  @Test
  void tokensMailedInTheFirstFormatStillOpen() {
    String legacy = legacy(OLD, "kim.minsu@example.com", "c_abc123", 1_764_000_000L);
    UnsubscribeToken rotated = new UnsubscribeToken(List.of(NEW, OLD));
    assertThat(rotated.open(legacy)).contains(new UnsubscribeToken.Claims("kim.minsu@example.com", "c_abc123",
        Instant.ofEpochSecond(1_764_000_000L), UnsubscribeToken.Kind.CAMPAIGN));
    assertThat(new UnsubscribeToken(List.of(NEW)).open(legacy)).isEmpty();
    String tampered = legacy.substring(0, 12) + (legacy.charAt(12) == 'A' ? 'B' : 'A') + legacy.substring(13);
    assertThat(rotated.open(tampered)).isEmpty();
  }

  static String legacy(String secret, String email, String campaignId, long issuedAtSeconds) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(new LegacyTokenFormat(secret).seal(email, campaignId, issuedAtSeconds));
  }

  @Test
  void theAddressIsNotReadableInTheToken() {
    String token = new UnsubscribeToken(List.of(NEW)).seal("kim.minsu@example.com", "c_abc123", ISSUED);
    String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.ISO_8859_1);
    assertThat(token).doesNotContain("kim").doesNotContain("example");
    assertThat(decoded).doesNotContain("kim.minsu").doesNotContain("example.com").doesNotContain("c_abc123");
  }

  @Test
  void everyChangedCharacterIsRefused() {
    UnsubscribeToken tokens = new UnsubscribeToken(List.of(NEW));
    for (String token : List.of(tokens.seal("a@example.com", "c_1", ISSUED), tokens.sealPreview("a@example.com", "c_1",
        ISSUED))) {
      for (int i = 0; i < token.length(); i++) {
        char replacement = token.charAt(i) == 'A' ? 'B' : 'A';
        String tampered = token.substring(0, i) + replacement + token.substring(i + 1);
        if (!tampered.equals(token)) {
          assertThat(tokens.open(tampered)).as("tampered at %d", i).isEmpty();
        }
      }
      assertThat(tokens.open(token.substring(0, token.length() - 2))).isEmpty();
    }
    assertThat(tokens.open("")).isEmpty();
    assertThat(tokens.open("not a token!")).isEmpty();
    assertThat(tokens.open(null)).isEmpty();
    assertThat(tokens.open("AQ")).isEmpty();
    assertThat(tokens.open("Ag")).isEmpty();
  }

  @Test
  void rotatedSecretsStillOpenOldTokensButOnlyTheNewOneSeals() {
    String old = new UnsubscribeToken(List.of(OLD)).seal("a@example.com", "c_1", ISSUED);
    UnsubscribeToken rotated = new UnsubscribeToken(List.of(NEW, OLD));
    assertThat(rotated.open(old)).map(UnsubscribeToken.Claims::email).contains("a@example.com");
    String fresh = rotated.seal("a@example.com", "c_1", ISSUED);
    assertThat(new UnsubscribeToken(List.of(NEW)).open(fresh)).isPresent();
    assertThat(new UnsubscribeToken(List.of(OLD)).open(fresh)).isEmpty();
    assertThat(new UnsubscribeToken(List.of(NEW)).open(old)).isEmpty();
  }

  @Test
  void tokensDifferPerCampaignRecipientKindAndTime() {
    UnsubscribeToken tokens = new UnsubscribeToken(List.of(NEW));
    String token = tokens.seal("a@example.com", "c_1", ISSUED);
    assertThat(token).isNotEqualTo(tokens.seal("a@example.com", "c_2", ISSUED))
        .isNotEqualTo(tokens.seal("b@example.com", "c_1", ISSUED))
        .isNotEqualTo(tokens.sealPreview("a@example.com", "c_1", ISSUED))
        .isNotEqualTo(tokens.seal("a@example.com", "c_1", ISSUED.plusMillis(1)));
    assertThat(token.length()).as("no longer than the first format's token").isLessThanOrEqualTo(
        legacy(NEW, "a@example.com", "c_1", ISSUED.getEpochSecond()).length());
  }

  @Test
  void addressesAreMaskedForPages() {
    assertThat(Addresses.mask("customer0007@example.com")).isEqualTo("c******7@example.com");
    assertThat(Addresses.mask("ab@example.com")).isEqualTo("a*@example.com");
  }
}
