package io.mailroom.subscription;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which addresses of SNS Mailroom may call: a signing certificate
 * ({@code https://sns.<region>.amazonaws.com[.cn]/SimpleNotificationService-<hex>.pem}) and a
 * subscription's SubscribeURL ({@code https://sns.<region>.amazonaws.com[.cn]/?Action=ConfirmSubscription...}).
 * The URL is parsed, never matched as text: no user info, port or fragment, the host exactly SNS's
 * for a region. A local endpoint (development and tests only, refused in production) stands in for
 * SNS's host; the path rules still hold for it.
 */
final class SnsAddress {
  private static final Pattern HOST = Pattern.compile("sns\\.([a-z]{2}(?:-[a-z]+)+-\\d{1,2})\\.amazonaws\\.com(\\.cn)?");
  private static final Pattern CERTIFICATE_PATH = Pattern.compile("/SimpleNotificationService-[0-9a-f]{1,64}\\.pem");

  private final URI local;

  /** {@code localEndpoint}: empty, or the {@code http://127.0.0.1:port} base that plays SNS. */
  SnsAddress(String localEndpoint) {
    this.local = localEndpoint.isEmpty() ? null : URI.create(localEndpoint);
  }

  /** One SNS host: its region (empty for the local endpoint) and the name its certificates carry. */
  record Host(String region, String certificateName) { }

  /** The host of an allowed signing certificate URL, or empty when the URL may not be fetched. */
  Optional<Host> certificate(String url) {
    return parse(url).filter(uri -> uri.getRawQuery() == null && uri.getRawPath() != null
        && CERTIFICATE_PATH.matcher(uri.getRawPath()).matches()).flatMap(this::host);
  }

  /** The host of an allowed SubscribeURL (path {@code /}, action ConfirmSubscription), or empty. */
  Optional<Host> subscribe(String url) {
    return parse(url).filter(uri -> "/".equals(uri.getRawPath()) && uri.getRawQuery() != null
        && ("&" + uri.getRawQuery() + "&").contains("&Action=ConfirmSubscription&")).flatMap(this::host);
  }

  private static Optional<URI> parse(String url) {
    if (url == null || url.length() > 2048) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(url);
      boolean plain = uri.isAbsolute() && !uri.isOpaque() && uri.getRawUserInfo() == null
          && uri.getRawFragment() == null && uri.getHost() != null;
      return plain ? Optional.of(uri) : Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private Optional<Host> host(URI uri) {
    if (local != null && local.getScheme().equals(uri.getScheme()) && local.getHost().equals(uri.getHost())
        && local.getPort() == uri.getPort()) {
      return Optional.of(new Host("", "sns.amazonaws.com"));
    }
    if (!"https".equals(uri.getScheme()) || uri.getPort() != -1 || !uri.getHost().equals(uri.getRawAuthority())) {
      return Optional.empty();
    }
    Matcher host = HOST.matcher(uri.getHost());
    if (!host.matches()) {
      return Optional.empty();
    }
    boolean china = host.group(2) != null;
    if (china != host.group(1).startsWith("cn-")) {
      return Optional.empty();
    }
    return Optional.of(new Host(host.group(1), china ? "sns.amazonaws.com.cn" : "sns.amazonaws.com"));
  }
}
