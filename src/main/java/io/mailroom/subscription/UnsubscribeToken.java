package io.mailroom.subscription;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.subtle.AesSiv;
import com.google.crypto.tink.subtle.Hkdf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The opaque token of an unsubscribe link: who (email) unsubscribes from what (campaign), when the
 * token was issued and what kind it is (a campaign's email, or a preview or test send), sealed so
 * that it can neither be forged nor read. Tokens do not expire: any token may withdraw consent;
 * whether it may give consent again is the UnsubscribeHandler's decision from the issue time.
 *
 * <p>Format (version 2), URL-safe base64 without padding of: the byte {@code 0x02}, then
 * AES-SIV (RFC 5297, Tink's {@code DeterministicAead}, 512-bit key) of the claims with the version
 * byte as associated data. The claims are: kind (1 byte: 0 campaign, 1 preview), issue time in
 * epoch milliseconds (6 bytes, big-endian), the campaign id's length (1 byte), the campaign id and
 * the email (UTF-8). The 64-byte key of each secret is
 * {@code HKDF-SHA256(ikm = UTF-8 bytes of the secret, salt = "mailroom unsubscribe token",
 * info = "mailroom unsubscribe token v2 aes-siv", length = 64)}.
 *
 * <p>Version-1 tokens (mailed before) still open, through {@link LegacyTokenFormat}; they are all
 * campaign tokens. Secrets rotate: the first one seals, every one opens.
 */
public final class UnsubscribeToken {
  private static final byte VERSION = 2;
  private static final byte[] ASSOCIATED = {VERSION};
  private static final byte[] SALT = "mailroom unsubscribe token".getBytes(StandardCharsets.UTF_8);
  private static final byte[] INFO = "mailroom unsubscribe token v2 aes-siv".getBytes(StandardCharsets.UTF_8);
  private static final int KEY_BYTES = 64;
  private static final int SIV_BYTES = 16;
  private static final int FIXED_BYTES = 1 + 6 + 1;
  private static final long MAX_MILLIS = (1L << 48) - 1;
  private static final int MAX_TOKEN_CHARS = 600;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** What a token was issued for: a campaign's email, or a preview or test send that may change nothing. */
  public enum Kind { CAMPAIGN, PREVIEW }

  /** What a valid token stands for. */
  public record Claims(String email, String campaignId, Instant issuedAt, Kind kind) { }

  private record Secret(DeterministicAead siv, LegacyTokenFormat legacy) { }

  private final List<Secret> secrets;

  public UnsubscribeToken(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one unsubscribe token secret is needed");
    }
    this.secrets = secrets.stream().map(s -> new Secret(siv(s), new LegacyTokenFormat(s))).toList();
  }

  /** A token for a campaign's email to {@code email}, issued at {@code issuedAt}. */
  public String seal(String email, String campaignId, Instant issuedAt) {
    return seal(Kind.CAMPAIGN, email, campaignId, issuedAt);
  }

  /** A token for a preview or test send: its page opens, but it changes no consent. */
  public String sealPreview(String email, String campaignId, Instant issuedAt) {
    return seal(Kind.PREVIEW, email, campaignId, issuedAt);
  }

  private String seal(Kind kind, String email, String campaignId, Instant issuedAt) {
    byte[] campaign = campaignId.getBytes(StandardCharsets.UTF_8);
    byte[] address = email.getBytes(StandardCharsets.UTF_8);
    long millis = issuedAt.toEpochMilli();
    if (campaign.length > 255) {
      throw new IllegalArgumentException("campaign id too long for a token");
    }
    if (millis < 0 || millis > MAX_MILLIS) {
      throw new IllegalArgumentException("issue time out of range for a token");
    }
    byte[] plain = ByteBuffer.allocate(FIXED_BYTES + campaign.length + address.length)
        .put((byte) kind.ordinal()).putShort((short) (millis >>> 32)).putInt((int) millis)
        .put((byte) campaign.length).put(campaign).put(address).array();
    try {
      byte[] sealed = secrets.get(0).siv().encryptDeterministically(plain, ASSOCIATED);
      return ENCODER.encodeToString(ByteBuffer.allocate(1 + sealed.length).put(VERSION).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The token's claims, or empty when it is malformed, tampered with or sealed under an unknown secret. */
  public Optional<Claims> open(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return Optional.empty();
    }
    byte[] sealed;
    try {
      sealed = DECODER.decode(token);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (sealed.length == 0) {
      return Optional.empty();
    }
    for (Secret secret : secrets) {
      Optional<Claims> claims = sealed[0] == VERSION ? open(secret.siv(), sealed)
          : sealed[0] == LegacyTokenFormat.VERSION ? secret.legacy().open(sealed) : Optional.empty();
      if (claims.isPresent()) {
        return claims;
      }
    }
    return Optional.empty();
  }

  private static Optional<Claims> open(DeterministicAead siv, byte[] sealed) {
    if (sealed.length <= 1 + SIV_BYTES + FIXED_BYTES) {
      return Optional.empty();
    }
    byte[] plain;
    try {
      plain = siv.decryptDeterministically(Arrays.copyOfRange(sealed, 1, sealed.length), ASSOCIATED);
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.wrap(plain);
    int kind = buffer.get();
    long millis = (Short.toUnsignedLong(buffer.getShort()) << 32) | Integer.toUnsignedLong(buffer.getInt());
    int campaignLength = Byte.toUnsignedInt(buffer.get());
    if (kind < 0 || kind >= Kind.values().length || buffer.remaining() <= campaignLength) {
      return Optional.empty();
    }
    String campaign = new String(plain, FIXED_BYTES, campaignLength, StandardCharsets.UTF_8);
    String email = new String(plain, FIXED_BYTES + campaignLength, plain.length - FIXED_BYTES - campaignLength,
        StandardCharsets.UTF_8);
    return Optional.of(new Claims(email, campaign, Instant.ofEpochMilli(millis), Kind.values()[kind]));
  }

  /** The AES-SIV of one secret, keyed as the class comment says. */
  private static DeterministicAead siv(String secret) {
    try {
      byte[] key = Hkdf.computeHkdf("HMACSHA256", secret.getBytes(StandardCharsets.UTF_8), SALT, INFO, KEY_BYTES);
      return new AesSiv(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
