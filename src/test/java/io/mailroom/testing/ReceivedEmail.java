package io.mailroom.testing;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import java.io.ByteArrayInputStream;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * An email as its raw MIME arrived (the SES emulator's {@code rawEmail}), parsed with Jakarta Mail:
 * its subject decoded, its HTML and text parts, and its header lines unfolded and decoded, by lower-case
 * name, without the lines that differ on every send or only describe the MIME structure. Bodies have
 * their line ends in the MIME canonical CRLF turned back into LF.
 */
public record ReceivedEmail(String subject, String html, String text, Map<String, String> headers) {
  private static final Set<String> PER_SEND = Set.of("message-id", "date", "content-type", "content-transfer-encoding");
  private static final Set<String> ADDRESSES = Set.of("from", "to");

  public static ReceivedEmail parse(byte[] raw) throws Exception {
    MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    String html = null;
    String text = null;
    Multipart parts = (Multipart) mime.getContent();
    for (int i = 0; i < parts.getCount(); i++) {
      BodyPart part = parts.getBodyPart(i);
      if (part.isMimeType("text/html")) {
        html = lines((String) part.getContent());
      } else if (part.isMimeType("text/plain")) {
        text = lines((String) part.getContent());
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Enumeration<Header> all = mime.getAllHeaders(); all.hasMoreElements(); ) {
      Header header = all.nextElement();
      String name = header.getName().toLowerCase(java.util.Locale.ROOT);
      if (!PER_SEND.contains(name)) {
        headers.put(name, value(name, header.getValue()));
      }
    }
    return new ReceivedEmail(mime.getSubject(), html, text, headers);
  }

  /** A header value as a reader sees it: unfolded, encoded words decoded, addresses in one spelling. */
  public static String value(String name, String raw) throws Exception {
    String value = MimeUtility.decodeText(MimeUtility.unfold(raw)).trim();
    if (ADDRESSES.contains(name.toLowerCase(java.util.Locale.ROOT))) {
      InternetAddress address = new InternetAddress(value);
      return address.getPersonal() == null ? address.getAddress() : address.getPersonal() + " <" + address.getAddress() + ">";
    }
    return value;
  }

  private static String lines(String body) {
    return body.replace("\r\n", "\n");
  }
}
