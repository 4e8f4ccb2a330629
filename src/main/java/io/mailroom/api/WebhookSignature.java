package io.mailroom.api;

import io.mailroom.http.ApiError;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 signature every API request carries. The signed text is
 * {@code timestamp \n METHOD \n path?query \n body} (the request target as sent); the headers are
 * {@code X-Mailroom-Timestamp: <unix seconds, exactly 10 digits>} and {@code X-Mailroom-Signature: v1=<hex>}.
 * Any configured secret verifies, so secrets can be rotated. A timestamp is accepted from
 * {@code maxSkewSeconds} (300) behind the server's clock to {@link #AHEAD_SECONDS} ahead of it. Headers
 * are not signed: the API reads no header that changes what a request does (the idempotency key is
 * a body field). That a signature is used once is checked by the caller of {@link #verify}.
 */
public final class WebhookSignature {
  public static final String TIMESTAMP_HEADER = "X-Mailroom-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Mailroom-Signature";
  /** How far ahead of the server's clock a timestamp may be. */
  public static final long AHEAD_SECONDS = 30;
  private static final String VERSION = "v1=";

  private WebhookSignature() {
  }

  public static String sign(String secret, long timestamp, String method, String path, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + "\n" + method + "\n" + path + "\n").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return VERSION + HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Throws an {@link ApiError} (401) unless the request is signed by one of the secrets, recently. */
  public static void verify(List<String> secrets, long maxSkewSeconds, long nowSeconds, String timestamp,
                            String signature, String method, String path, byte[] body) {
    if (timestamp == null || signature == null) {
      throw new ApiError(401, "unauthorized", "the request must carry " + TIMESTAMP_HEADER + " and "
          + SIGNATURE_HEADER + " headers", null);
    }
    if (!timestamp.matches("[0-9]{10}")) {
      throw new ApiError(401, "unauthorized", TIMESTAMP_HEADER + " must be unix seconds, exactly 10 digits",
          TIMESTAMP_HEADER);
    }
    long ts = Long.parseLong(timestamp);
    if (nowSeconds - ts > maxSkewSeconds || ts - nowSeconds > Math.min(AHEAD_SECONDS, maxSkewSeconds)) {
      throw new ApiError(401, "stale_signature", TIMESTAMP_HEADER + " must be at most " + maxSkewSeconds
          + " s behind and " + AHEAD_SECONDS + " s ahead of the server's clock", TIMESTAMP_HEADER);
    }
    byte[] given = signature.trim().getBytes(StandardCharsets.US_ASCII);
    for (String secret : secrets) {
      byte[] expected = sign(secret, ts, method, path, body).getBytes(StandardCharsets.US_ASCII);
      if (MessageDigest.isEqual(expected, given)) {
        return;
      }
    }
    throw new ApiError(401, "bad_signature", "the signature does not match the request", null);
  }
}
