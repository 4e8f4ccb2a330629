package io.mailroom.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who a signed API request is made for. A caller that acts for a person (the console) sends
 * {@code X-Mailroom-Actor: <name>} with {@code X-Mailroom-Actor-Signature: HMAC-SHA256(secret,
 * <the request's X-Mailroom-Signature> + "\n" + name)} in hex; the API records that name when the
 * signature verifies with one of the webhook secrets, and {@link #API} otherwise.
 */
public final class ActorSignature {
  public static final String ACTOR_HEADER = "X-Mailroom-Actor";
  public static final String SIGNATURE_HEADER = "X-Mailroom-Actor-Signature";
  /** The actor of a request that names no (verified) person. */
  public static final String API = "api";

  private ActorSignature() {
  }

  public static String sign(String secret, String requestSignature, String actor) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal((requestSignature.trim() + "\n" + actor)
          .getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The actor the request names when its actor signature verifies, else {@link #API}. */
  public static String actor(List<String> secrets, String requestSignature, String actor, String actorSignature) {
    if (requestSignature == null || actor == null || actorSignature == null || !actor.matches("[A-Za-z0-9._@-]{1,64}")) {
      return API;
    }
    byte[] given = actorSignature.trim().getBytes(StandardCharsets.US_ASCII);
    for (String secret : secrets) {
      if (MessageDigest.isEqual(sign(secret, requestSignature, actor).getBytes(StandardCharsets.US_ASCII), given)) {
        return actor;
      }
    }
    return API;
  }
}
