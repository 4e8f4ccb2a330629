package io.mailroom.subscription;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The first token format (version byte 1), kept so that links already mailed keep working: an
 * HMAC-SHA256 tag (16 bytes) over the issue time (epoch seconds), the campaign and the email, then
 * the same fields encrypted with AES-128-CTR under the tag as the IV. New tokens are not made in
 * this format; {@link #seal} is here for the tests that prove old links still open.
 */
final class LegacyTokenFormat {
  static final byte VERSION = 1;
  private static final int TAG_BYTES = 16;

  private final SecretKeySpec mac;
  private final SecretKeySpec cipher;

  /** Two independent keys from one secret: one for the HMAC, one for the cipher. */
  LegacyTokenFormat(String secret) {
    try {
      Mac derive = Mac.getInstance("HmacSHA256");
      derive.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] macKey = derive.doFinal("mailroom unsubscribe mac".getBytes(StandardCharsets.UTF_8));
      byte[] cipherKey = Arrays.copyOf(derive.doFinal("mailroom unsubscribe cipher".getBytes(StandardCharsets.UTF_8)), 16);
      this.mac = new SecretKeySpec(macKey, "HmacSHA256");
      this.cipher = new SecretKeySpec(cipherKey, "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The raw bytes of a version-1 token for {@code email} in {@code campaignId}, issued at {@code issuedAt} (epoch seconds). */
  byte[] seal(String email, String campaignId, long issuedAt) {
    byte[] campaign = campaignId.getBytes(StandardCharsets.UTF_8);
    byte[] address = email.getBytes(StandardCharsets.UTF_8);
    if (campaign.length > 255) {
      throw new IllegalArgumentException("campaign id too long for a token");
    }
    byte[] plain = ByteBuffer.allocate(8 + 1 + campaign.length + address.length)
        .putLong(issuedAt).put((byte) campaign.length).put(campaign).put(address).array();
    byte[] tag = tag(plain);
    return ByteBuffer.allocate(1 + TAG_BYTES + plain.length).put(VERSION).put(tag).put(ctr(tag, plain)).array();
  }

  /** The claims of a version-1 token under this secret (all of them campaign tokens), or empty. */
  Optional<UnsubscribeToken.Claims> open(byte[] sealed) {
    if (sealed.length <= 1 + TAG_BYTES + 9 || sealed[0] != VERSION) {
      return Optional.empty();
    }
    byte[] tag = Arrays.copyOfRange(sealed, 1, 1 + TAG_BYTES);
    byte[] plain = ctr(tag, Arrays.copyOfRange(sealed, 1 + TAG_BYTES, sealed.length));
    if (!MessageDigest.isEqual(tag, tag(plain))) {
      return Optional.empty();
    }
    ByteBuffer buffer = ByteBuffer.wrap(plain);
    long issuedAt = buffer.getLong();
    int campaignLength = Byte.toUnsignedInt(buffer.get());
    if (buffer.remaining() <= campaignLength) {
      return Optional.empty();
    }
    String campaign = new String(plain, 9, campaignLength, StandardCharsets.UTF_8);
    String email = new String(plain, 9 + campaignLength, plain.length - 9 - campaignLength, StandardCharsets.UTF_8);
    return Optional.of(new UnsubscribeToken.Claims(email, campaign, Instant.ofEpochSecond(issuedAt),
        UnsubscribeToken.Kind.CAMPAIGN));
  }

  private byte[] tag(byte[] plain) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(mac);
      return Arrays.copyOf(hmac.doFinal(plain), TAG_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] ctr(byte[] iv, byte[] data) {
    try {
      Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, cipher, new IvParameterSpec(iv));
      return aes.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
