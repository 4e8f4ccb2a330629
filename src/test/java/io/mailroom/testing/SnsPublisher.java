package io.mailroom.testing;

import io.mailroom.local.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays SNS for tests: an RSA key and its self-signed certificate (made by the JDK's keytool), a
 * loopback HTTP server that serves the certificate and takes subscription confirmations, and
 * messages signed exactly as SNS signs them (SignatureVersion 2, SHA256withRSA).
 */
public final class SnsPublisher implements AutoCloseable {
  public static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events";
  private static final String CERTIFICATE_PATH = "/SimpleNotificationService-0123456789abcdef.pem";
  private final Vertx vertx = Vertx.vertx();
  private final PrivateKey key;
  private final HttpServer server;
  public final AtomicInteger confirmations = new AtomicInteger();
  /** Requests for any {@code /SimpleNotificationService-*.pem}, served or not. */
  public final AtomicInteger certificateFetches = new AtomicInteger();

  public SnsPublisher() throws Exception {
    this("sns.amazonaws.com");
  }

  /** A publisher whose certificate is issued to {@code commonName} (SNS's is sns.amazonaws.com). */
  public SnsPublisher(String commonName) throws Exception {
    Path dir = Files.createTempDirectory("sns");
    Path store = dir.resolve("sns.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "sns", "-dname", "CN=" + commonName,
        "-validity", "3", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
        "-keypass", "changeit").redirectErrorStream(true).start();
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + new String(keytool.getInputStream().readAllBytes()));
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    key = (PrivateKey) keys.getKey("sns", "changeit".toCharArray());
    X509Certificate certificate = (X509Certificate) keys.getCertificate("sns");
    String pem = "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    server = vertx.createHttpServer().requestHandler(request -> {
      if (request.path().startsWith("/SimpleNotificationService-")) {
        certificateFetches.incrementAndGet();
      }
      if (request.path().equals(CERTIFICATE_PATH)) {
        request.response().putHeader("Content-Type", "application/x-pem-file").end(pem);
      } else if (request.path().equals("/") && "ConfirmSubscription".equals(request.getParam("Action"))) {
        confirmations.incrementAndGet();
        request.response().end("<ConfirmSubscriptionResponse/>");
      } else {
        request.response().setStatusCode(404).end();
      }
    }).listen(FreePort.pick(), "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  /** The base address of the certificate server, for {@code subscription.sns.localEndpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Where this publisher serves its signing certificate. */
  public String certificateUrl() {
    return endpoint() + CERTIFICATE_PATH;
  }

  /** Points a node's {@code subscription.sns} section at this publisher, for its topic. */
  public JsonObject configure(JsonObject sns) {
    return sns.put("localEndpoint", endpoint()).put("topicArns", TOPIC);
  }

  public JsonObject notification(JsonObject sesEvent) {
    return notification(sesEvent, Instant.now());
  }

  /** A notification published at {@code timestamp} (SNS's Timestamp is when the message was published). */
  public JsonObject notification(JsonObject sesEvent, Instant timestamp) {
    JsonObject message = new JsonObject().put("Type", "Notification").put("MessageId", UUID.randomUUID().toString())
        .put("TopicArn", TOPIC).put("Message", sesEvent.encode()).put("Timestamp", timestamp.toString())
        .put("UnsubscribeURL", endpoint() + "/?Action=Unsubscribe");
    return signed(message, List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"));
  }

  public JsonObject subscriptionConfirmation() {
    return subscriptionConfirmation(TOPIC);
  }

  /** A confirmation of a subscription to {@code topic} (an account's topic may be any). */
  public JsonObject subscriptionConfirmation(String topic) {
    JsonObject message = new JsonObject().put("Type", "SubscriptionConfirmation")
        .put("MessageId", UUID.randomUUID().toString()).put("Token", "token-" + UUID.randomUUID())
        .put("TopicArn", topic).put("Message", "You have chosen to subscribe to the topic.")
        .put("SubscribeURL", endpoint() + "/?Action=ConfirmSubscription&TopicArn=" + topic + "&Token=t")
        .put("Timestamp", Instant.now().toString());
    return signed(message, List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"));
  }

  /** A bounce as SES reports it; {@code type} is Permanent, Transient or Undetermined. */
  public static JsonObject bounce(String type, String... recipients) {
    io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
    for (String r : recipients) {
      list.add(new JsonObject().put("emailAddress", r).put("status", "5.1.1"));
    }
    return new JsonObject().put("notificationType", "Bounce").put("bounce", new JsonObject()
            .put("bounceType", type).put("bounceSubType", "General").put("bouncedRecipients", list))
        .put("mail", new JsonObject().put("messageId", "ses-1"));
  }

  public static JsonObject complaint(String... recipients) {
    io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
    for (String r : recipients) {
      list.add(new JsonObject().put("emailAddress", r));
    }
    return new JsonObject().put("eventType", "Complaint").put("complaint", new JsonObject()
        .put("complainedRecipients", list).put("complaintFeedbackType", "abuse"));
  }

  private JsonObject signed(JsonObject message, List<String> fields) {
    message.put("SignatureVersion", "2").put("SigningCertURL", certificateUrl());
    StringBuilder text = new StringBuilder();
    for (String field : fields) {
      if (message.containsKey(field)) {
        text.append(field).append('\n').append(message.getString(field)).append('\n');
      }
    }
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key);
      signature.update(text.toString().getBytes(StandardCharsets.UTF_8));
      return message.put("Signature", Base64.getEncoder().encodeToString(signature.sign()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.close();
  }
}
