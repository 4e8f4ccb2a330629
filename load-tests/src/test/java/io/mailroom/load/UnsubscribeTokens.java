package io.mailroom.load;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Seals unsubscribe tokens exactly as the service does (README, "Unsubscribing"): a 16-byte
 * HMAC-SHA256 tag over {@code issuedAt | len(campaign) | campaign | email}, the same bytes
 * AES-CTR-encrypted under the tag, {@code base64url(0x01 | tag | ciphertext)}. Both keys come from
 * the secret. The simulation uses it to make real links for seeded customers.
 */
final class UnsubscribeTokens {
  private final SecretKeySpec macKey;
  private final SecretKeySpec cipherKey;

  UnsubscribeTokens(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      macKey = new SecretKeySpec(mac.doFinal("mailroom unsubscribe mac".getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
      cipherKey = new SecretKeySpec(Arrays.copyOf(mac.doFinal("mailroom unsubscribe cipher".getBytes(StandardCharsets.UTF_8)),
          16), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String seal(String email, String campaignId, long issuedAt) {
    byte[] campaign = campaignId.getBytes(StandardCharsets.UTF_8);
    byte[] address = email.getBytes(StandardCharsets.UTF_8);
    byte[] plain = ByteBuffer.allocate(9 + campaign.length + address.length)
        .putLong(issuedAt).put((byte) campaign.length).put(campaign).put(address).array();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(macKey);
      byte[] tag = Arrays.copyOf(mac.doFinal(plain), 16);
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, cipherKey, new IvParameterSpec(tag));
      byte[] sealed = ByteBuffer.allocate(1 + tag.length + plain.length).put((byte) 1).put(tag)
          .put(cipher.doFinal(plain)).array();
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
