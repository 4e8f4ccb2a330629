package io.mailroom.subscription;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * SNS's signing certificates, fetched (without blocking, with a timeout, at most 10 KB) only from a
 * URL {@link SnsAddress} allowed, and kept only when they are for SNS (common name or DNS name
 * {@code sns.amazonaws.com}, {@code sns.amazonaws.com.cn} in China) and within their dates, as
 * AWS SDK v2's SnsMessageManager checks them. Good certificates stay in a small LRU that only
 * genuine SNS certificates can enter; failures are remembered for a while in an LRU of their own,
 * so a flood of bad URLs neither evicts the good ones nor makes us fetch again and again; one
 * fetch per URL at a time, and few at once.
 */
final class SnsCertificates {
  static final int MAX_BYTES = 10 * 1024;
  private static final int GOOD = 64;
  private static final int BAD = 1024;
  private static final int MAX_FETCHES = 8;
  private static final long FAILURE_MILLIS = 5 * 60_000L;
  private static final long TIMEOUT_MILLIS = 10_000L;

  private final HttpClient http;
  private final Map<String, X509Certificate> good = lru(GOOD);
  private final Map<String, Long> bad = lru(BAD);
  private final Map<String, Future<X509Certificate>> pending = new HashMap<>();

  SnsCertificates(Vertx vertx) {
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000).setIdleTimeout(10));
  }

  /** The certificate at {@code url} (already allowed by SnsAddress), checked to be SNS's for {@code host}. */
  synchronized Future<X509Certificate> get(String url, SnsAddress.Host host) {
    X509Certificate known = good.get(url);
    if (known != null) {
      Future<X509Certificate> checked = valid(known, host.certificateName());
      if (checked.succeeded()) {
        return checked;
      }
      good.remove(url);
    }
    Long failedAt = bad.get(url);
    if (failedAt != null && System.currentTimeMillis() - failedAt < FAILURE_MILLIS) {
      return refused("the signing certificate could not be had lately");
    }
    Future<X509Certificate> running = pending.get(url);
    if (running != null) {
      return running;
    }
    if (pending.size() >= MAX_FETCHES) {
      return Future.failedFuture(new SnsVerifier.Refused(503, "unavailable", "SigningCertURL",
          "too many signing certificates are being fetched now; SNS will deliver the message again"));
    }
    Future<X509Certificate> fetched = fetch(url).compose(c -> valid(c, host.certificateName()));
    pending.put(url, fetched);
    fetched.onComplete(done -> settle(url, done.succeeded() ? done.result() : null, done.cause()));
    return fetched;
  }

  /** A certificate refused for what it is is remembered; a fetch that failed on the way (503) is not. */
  private synchronized void settle(String url, X509Certificate certificate, Throwable failure) {
    pending.remove(url);
    if (certificate != null) {
      good.put(url, certificate);
    } else if (failure instanceof SnsVerifier.Refused refused && refused.status() == 401) {
      bad.put(url, System.currentTimeMillis());
    }
  }

  private Future<X509Certificate> fetch(String url) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
        .setTimeout(TIMEOUT_MILLIS).setFollowRedirects(false).putHeader("User-Agent", "Mailroom");
    return http.request(request).compose(r -> r.send()).compose(this::body).compose(body -> {
      try {
        return Future.succeededFuture(SnsVerifier.parse(new ByteArrayInputStream(body.getBytes())));
      } catch (GeneralSecurityException | ClassCastException e) {
        return refused("the signing certificate is not an X.509 certificate");
      }
    }, e -> e instanceof SnsVerifier.Refused ? Future.failedFuture(e)
        : unavailable("the signing certificate could not be fetched now (" + e.getClass().getSimpleName() + ")"));
  }

  /** The response body, refused when the status is not 200 or the body passes {@link #MAX_BYTES}. */
  private Future<Buffer> body(HttpClientResponse response) {
    if (response.statusCode() != 200) {
      response.request().reset();
      String why = "the signing certificate could not be fetched (HTTP " + response.statusCode() + ")";
      return response.statusCode() >= 500 || response.statusCode() == 429 ? unavailable(why) : refused(why);
    }
    Promise<Buffer> body = Promise.promise();
    Buffer all = Buffer.buffer();
    response.handler(chunk -> {
      if (all.length() + chunk.length() > MAX_BYTES) {
        body.tryFail(new SnsVerifier.Refused(401, "invalid_signature", "SigningCertURL",
            "the signing certificate is larger than " + MAX_BYTES + " bytes"));
        response.request().reset();
      } else {
        all.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(e -> body.tryFail(new SnsVerifier.Refused(503, "unavailable", "SigningCertURL",
        "the signing certificate could not be read now (" + e.getClass().getSimpleName() + ")")));
    response.endHandler(v -> body.tryComplete(all));
    return body.future();
  }

  private static Future<X509Certificate> valid(X509Certificate certificate, String name) {
    try {
      certificate.checkValidity();
    } catch (GeneralSecurityException e) {
      return refused("the signing certificate is expired or not yet valid");
    }
    return names(certificate).contains(name) ? Future.succeededFuture(certificate)
        : refused("the signing certificate is not issued to " + name);
  }

  /** The subject's common names and the DNS names among its alternative names. */
  private static List<String> names(X509Certificate certificate) {
    List<String> names = new java.util.ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          names.add(String.valueOf(rdn.getValue()));
        }
      }
      if (certificate.getSubjectAlternativeNames() != null) {
        for (List<?> alternative : certificate.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(alternative.get(0))) {
            names.add(String.valueOf(alternative.get(1)));
          }
        }
      }
    } catch (InvalidNameException | CertificateParsingException e) {
      return List.of();
    }
    return names;
  }

  /** A failure on the way, not a verdict on the certificate: SNS delivers the message again after a 503. */
  private static <T> Future<T> unavailable(String why) {
    return Future.failedFuture(new SnsVerifier.Refused(503, "unavailable", "SigningCertURL", why
        + "; SNS will deliver the message again"));
  }

  private static <T> Future<T> refused(String why) {
    return Future.failedFuture(new SnsVerifier.Refused(401, "invalid_signature", "SigningCertURL", why));
  }

  private static <V> Map<String, V> lru(int size) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > size;
      }
    };
  }
}
