package io.mailroom.subscription;

import io.mailroom.config.MailroomConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a message really comes from SNS: its signing certificate is fetched only from an
 * address {@link SnsAddress} allows, in the region of the message's topic, and must be SNS's own
 * ({@link SnsCertificates}), or is the configured local certificate (tests only, refused in
 * production); the signature over the message's signed fields must verify; the topic must be an
 * allowed one; its Timestamp must be within the last hour. Confirms subscriptions by calling their SubscribeURL, under the same address rules.
 */
public final class SnsVerifier {
  /** The oldest message taken: SNS delivers within minutes, and retries stop well before an hour by default. */
  static final Duration MAX_AGE = Duration.ofHours(1);
  /** How far ahead of our clock a Timestamp may be. */
  static final Duration MAX_AHEAD = Duration.ofMinutes(5);

  private final WebClient http;
  private final SnsAddress addresses;
  private final SnsCertificates certificates;
  private final X509Certificate localCertificate;
  private final List<String> topicArns;

  public SnsVerifier(Vertx vertx, MailroomConfig.Sns settings) {
    this.http = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5000).setIdleTimeout(10)
        .setFollowRedirects(false).setUserAgent("Mailroom"));
    this.addresses = new SnsAddress(settings.localEndpoint());
    this.certificates = new SnsCertificates(vertx);
    this.localCertificate = settings.certificateFile().isEmpty() ? null : load(Path.of(settings.certificateFile()));
    this.topicArns = settings.topicArns();
  }
  /** Why a message is refused: the code and the field at fault. */
  public static final class Refused extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    Refused(int status, String code, String field, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
      this.field = field;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }

    public String field() {
      return field;
    }
  }

  /** Succeeds when the message is SNS's own, for an allowed topic, and fresh. */
  public Future<SnsMessage> verify(SnsMessage message) {
    if (!fresh(message.field("Timestamp"))) {
      return Future.failedFuture(new Refused(400, "invalid_field", "Timestamp",
          "Timestamp must be an ISO-8601 instant within the last hour"));
    }
    if (!topicArns.isEmpty() && !topicArns.contains(message.field("TopicArn"))) {
      return Future.failedFuture(new Refused(403, "topic_not_allowed", "TopicArn",
          "this endpoint does not take messages from that topic"));
    }
    return certificate(message).compose(certificate -> {
      try {
        certificate.checkValidity();
        Signature signature = Signature.getInstance(message.signatureAlgorithm());
        signature.initVerify(certificate.getPublicKey());
        signature.update(message.stringToSign().getBytes(StandardCharsets.UTF_8));
        if (signature.verify(Base64.getDecoder().decode(message.field("Signature")))) {
          return Future.succeededFuture(message);
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // refused below: a malformed signature is a bad signature
      }
      return Future.failedFuture(new Refused(401, "invalid_signature", "Signature",
          "the message's signature does not verify against the SNS signing certificate"));
    });
  }

  /** Confirms a verified SubscriptionConfirmation by calling its SubscribeURL. */
  public Future<Void> confirm(SnsMessage message) {
    String url = message.field("SubscribeURL");
    if (addresses.subscribe(url).filter(host -> inTopicRegion(host, message)).isEmpty()) {
      return Future.failedFuture(new Refused(400, "invalid_field", "SubscribeURL",
          "SubscribeURL is not an SNS address this endpoint may call"));
    }
    return http.getAbs(url).timeout(10_000).send().compose(response -> response.statusCode() == 200
        ? Future.succeededFuture()
        : Future.failedFuture(new Refused(502, "confirmation_failed", "SubscribeURL",
            "SNS answered the confirmation with HTTP " + response.statusCode())));
  }

  private Future<X509Certificate> certificate(SnsMessage message) {
    if (localCertificate != null) {
      return Future.succeededFuture(localCertificate);
    }
    Optional<SnsAddress.Host> host = addresses.certificate(message.field("SigningCertURL"))
        .filter(h -> inTopicRegion(h, message));
    if (host.isEmpty()) {
      return Future.failedFuture(new Refused(401, "invalid_signature", "SigningCertURL",
          "SigningCertURL is not an SNS address"));
    }
    return certificates.get(message.field("SigningCertURL"), host.get());
  }

  private static boolean fresh(String timestamp) {
    try {
      Instant at = Instant.parse(timestamp);
      Instant now = Instant.now();
      return !at.isBefore(now.minus(MAX_AGE)) && !at.isAfter(now.plus(MAX_AHEAD));
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** SNS signs with its own region's host: arn:partition:sns:REGION:account:topic. */
  private static boolean inTopicRegion(SnsAddress.Host host, SnsMessage message) {
    String[] arn = message.field("TopicArn").split(":", -1);
    return host.region().isEmpty() || arn.length >= 6 && host.region().equals(arn[3]);
  }

  private static X509Certificate load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the SNS certificate " + file + ": " + e.getMessage(), e);
    }
  }

  /** An X.509 certificate in PEM or DER; a ClassCastException for another kind of certificate. */
  static X509Certificate parse(InputStream in) throws GeneralSecurityException {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
  }
}
