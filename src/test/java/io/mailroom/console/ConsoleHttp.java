package io.mailroom.console;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The console of one node over plain HTTP, as a browser would speak to it: sign-in forms, pages, refreshes. */
final class ConsoleHttp {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern FORM_TOKEN = Pattern.compile("name=\"formToken\" value=\"([^\"]+)\"");

  private final int port;

  ConsoleHttp(int port) {
    this.port = port;
  }

  /** A sign-in form as the page hands it out: its cookie and its token field. */
  record SignInForm(String cookie, String token) { }

  SignInForm form() throws Exception {
    HttpResponse<String> form = send(get("/console/signin"));
    String cookie = form.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("mailroom_signin="))
        .findFirst().orElseThrow();
    Matcher token = FORM_TOKEN.matcher(form.body());
    if (!token.find()) {
      throw new AssertionError("no formToken in the sign-in page");
    }
    return new SignInForm(cookie.substring(0, cookie.indexOf(';')), token.group(1));
  }

  HttpResponse<String> signIn(SignInForm form, String name, String password) throws Exception {
    return signInAsync(form, name, password).get();
  }

  /** Sends the sign-in without waiting for the answer (attempts sent at the same moment). */
  CompletableFuture<HttpResponse<String>> signInAsync(SignInForm form, String name, String password) {
    String body = "name=" + encode(name) + "&password=" + encode(password) + "&formToken=" + encode(form.token());
    HttpRequest request = HttpRequest.newBuilder(uri("/console/signin")).header("Cookie", form.cookie())
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Signs in and returns the session cookie ({@code mailroom_session=...}). */
  String session(String name, String password) throws Exception {
    HttpResponse<String> signedIn = signIn(form(), name, password);
    if (signedIn.statusCode() != 303) {
      throw new AssertionError(name + " could not sign in: " + signedIn.statusCode());
    }
    String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("mailroom_session="))
        .findFirst().orElseThrow();
    return cookie.substring(0, cookie.indexOf(';'));
  }

  /** The campaigns page, asked for by the user. */
  HttpResponse<String> page(String session) throws Exception {
    return send(get("/console/campaigns").header("Cookie", session));
  }

  /** The campaign list's rows, as the page's automatic refresh asks for them. */
  HttpResponse<String> refresh(String session) throws Exception {
    return send(get("/console/campaigns/rows").header("Cookie", session).header("HX-Request", "true")
        .header("HX-Trigger", "campaign-rows"));
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(uri(path)).GET();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
