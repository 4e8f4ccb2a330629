package io.mailroom.subscription;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The opaque token of an unsubscribe link: who (email) unsubscribes from what (campaign), sealed
 * so that it can neither be forged nor read. The tag is an HMAC-SHA256 over the email, the
 * campaign and the issue time; the same fields are encrypted with AES-CTR under that tag as the
 * IV (the SIV construction), so the URL shows no address. Tokens do not expire. Secrets rotate:
 * the first one seals, every one opens.
 */
public final class UnsubscribeToken {
  private static final byte VERSION = 1;
  private static final int TAG_BYTES = 16;
  private static final int MAX_TOKEN_CHARS = 600;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** What a valid token stands for. */
  public record Claims(String email, String campaignId, long issuedAt) { }

  private record Keys(SecretKeySpec mac, SecretKeySpec cipher) { }

  private final List<Keys> keys;

  public UnsubscribeToken(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one unsubscribe token secret is needed");
    }
    this.keys = secrets.stream().map(UnsubscribeToken::derive).toList();
  }

  /** A token for {@code email} in {@code campaignId}, issued at {@code issuedAt} (epoch seconds). */
  public String seal(String email, String campaignId, long issuedAt) {
    byte[] plain = plain(email, campaignId, issuedAt);
    Keys current = keys.get(0);
    byte[] tag = tag(current, plain);
    byte[] sealed = ByteBuffer.allocate(1 + TAG_BYTES + plain.length)
        .put(VERSION).put(tag).put(ctr(current, tag, plain)).array();
    return ENCODER.encodeToString(sealed);
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
    if (sealed.length <= 1 + TAG_BYTES + 9 || sealed[0] != VERSION) {
      return Optional.empty();
    }
    byte[] tag = Arrays.copyOfRange(sealed, 1, 1 + TAG_BYTES);
    byte[] cipherText = Arrays.copyOfRange(sealed, 1 + TAG_BYTES, sealed.length);
    for (Keys key : keys) {
      byte[] plain = ctr(key, tag, cipherText);
      if (MessageDigest.isEqual(tag, tag(key, plain))) {
        return claims(plain);
      }
    }
    return Optional.empty();
  }

  private static byte[] plain(String email, String campaignId, long issuedAt) {
    byte[] campaign = campaignId.getBytes(StandardCharsets.UTF_8);
    byte[] address = email.getBytes(StandardCharsets.UTF_8);
    if (campaign.length > 255) {
      throw new IllegalArgumentException("campaign id too long for a token");
    }
    return ByteBuffer.allocate(8 + 1 + campaign.length + address.length)
        .putLong(issuedAt).put((byte) campaign.length).put(campaign).put(address).array();
  }

  private static Optional<Claims> claims(byte[] plain) {
    ByteBuffer buffer = ByteBuffer.wrap(plain);
    long issuedAt = buffer.getLong();
    int campaignLength = Byte.toUnsignedInt(buffer.get());
    if (buffer.remaining() <= campaignLength) {
      return Optional.empty();
    }
    String campaign = new String(plain, 9, campaignLength, StandardCharsets.UTF_8);
    String email = new String(plain, 9 + campaignLength, plain.length - 9 - campaignLength, StandardCharsets.UTF_8);
    return Optional.of(new Claims(email, campaign, issuedAt));
  }

  private static byte[] tag(Keys key, byte[] plain) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key.mac());
      return Arrays.copyOf(mac.doFinal(plain), TAG_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] ctr(Keys key, byte[] iv, byte[] data) {
    try {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key.cipher(), new IvParameterSpec(iv));
      return cipher.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Two independent keys from one secret: one for the HMAC, one for the cipher. */
  private static Keys derive(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] macKey = mac.doFinal("mailroom unsubscribe mac".getBytes(StandardCharsets.UTF_8));
      byte[] cipherKey = Arrays.copyOf(mac.doFinal("mailroom unsubscribe cipher".getBytes(StandardCharsets.UTF_8)), 16);
      return new Keys(new SecretKeySpec(macKey, "HmacSHA256"), new SecretKeySpec(cipherKey, "AES"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
