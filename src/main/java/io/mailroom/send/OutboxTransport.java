package io.mailroom.send;

import io.mailroom.render.RenderedEmail;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * The embedded default's transport: each email is written as an RFC 5322 {@code .eml} file under
 * {@code outbox/<campaign>/}, exactly as it would leave, instead of being sent. A file is written
 * whole or not at all (a temporary file, then an atomic rename), so the file is the proof that
 * the email went out.
 */
public final class OutboxTransport implements Transport {
  private static final Session SESSION = Session.getInstance(new Properties());

  private final Vertx vertx;
  private final Path dir;

  public OutboxTransport(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir.toAbsolutePath();
  }

  public Path dir() {
    return dir;
  }

  @Override
  public Future<String> send(RenderedEmail email, String deliveryId) {
    byte[] bytes;
    try {
      bytes = mime(email, deliveryId);
    } catch (MessagingException | IOException e) {
      return Future.failedFuture(new IllegalArgumentException("cannot build the message: " + e.getMessage(), e));
    }
    Path campaignDir = dir.resolve(safe(email.campaignId()));
    Path file = file(email.campaignId(), email.to());
    Path partial = campaignDir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    return vertx.fileSystem().mkdirs(campaignDir.toString())
        .compose(v -> vertx.fileSystem().writeFile(partial.toString(), Buffer.buffer(bytes)))
        .compose(v -> vertx.fileSystem().move(partial.toString(), file.toString(),
            new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
        .map(v -> "outbox-" + deliveryId);
  }

  @Override
  public boolean canFind() {
    return true;
  }

  @Override
  public Future<Optional<String>> find(String campaignId, String to, String deliveryId) {
    return vertx.fileSystem().exists(file(campaignId, to).toString())
        .map(found -> found ? Optional.of("outbox-" + deliveryId) : Optional.empty());
  }

  private Path file(String campaignId, String to) {
    return dir.resolve(safe(campaignId)).resolve(safe(to) + ".eml");
  }

  static byte[] mime(RenderedEmail email, String id) throws MessagingException, IOException {
    MimeMessage message = new MimeMessage(SESSION) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", "<" + id + "@mailroom.outbox>");
      }
    };
    message.setFrom(new InternetAddress(email.from(), true));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress(email.to(), true));
    message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
    message.setSentDate(new Date());
    for (RenderedEmail.Header header : email.headers()) {
      message.addHeader(header.name(), header.value());
    }
    MimeMultipart alternative = new MimeMultipart("alternative");
    if (email.text() != null) {
      MimeBodyPart text = new MimeBodyPart();
      text.setText(email.text(), StandardCharsets.UTF_8.name(), "plain");
      alternative.addBodyPart(text);
    }
    MimeBodyPart html = new MimeBodyPart();
    html.setText(email.html(), StandardCharsets.UTF_8.name(), "html");
    alternative.addBodyPart(html);
    message.setContent(alternative);
    message.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream(email.bodySize() + 4096);
    message.writeTo(out);
    return out.toByteArray();
  }

  /** A file name made of the value's safe characters only: no path can escape the outbox. */
  static String safe(String value) {
    String cleaned = value.replaceAll("[^A-Za-z0-9@._+-]", "_");
    return cleaned.startsWith(".") ? "_" + cleaned.substring(1) : cleaned;
  }

  @Override
  public String name() {
    return "outbox";
  }
}
