package io.mailroom.http;

import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The first handler of every route with path parameters: each parameter must be short and of plain
 * characters ({@code id}: a campaign id, {@code action}: a word, {@code token}: an unsubscribe token
 * in base64url, anything else: an id of letters, digits, '.', '_' and '-'), or the request is refused
 * with a 400 naming the parameter before it reaches a store.
 */
public final class PathParams {
  private static final Pattern DEFAULT = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Map<String, Pattern> RULES = Map.of(
      "id", Pattern.compile("[A-Za-z0-9_-]{1,64}"),
      "action", Pattern.compile("[A-Za-z]{1,16}"),
      "token", Pattern.compile("[A-Za-z0-9_-]{1,1024}"));

  private static final String ROUTE = "io.mailroom.route";

  private PathParams() {
  }

  /**
   * What to log for the request's route: the matched pattern ({@code /u/:token}) where a check ran,
   * else the path with every segment that is a path parameter's value replaced by {@code :name}.
   * Never the raw path, which may hold a token.
   */
  public static String route(RoutingContext ctx) {
    String recorded = ctx.get(ROUTE);
    if (recorded != null) {
      return recorded;
    }
    String[] segments = ctx.request().path().split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      for (Map.Entry<String, String> param : ctx.pathParams().entrySet()) {
        if (!segments[i].isEmpty() && segments[i].equals(param.getValue())) {
          segments[i] = ":" + param.getKey();
        }
      }
    }
    return String.join("/", segments);
  }

  public static void check(RoutingContext ctx) {
    ctx.put(ROUTE, ctx.currentRoute().getPath());
    for (Map.Entry<String, String> param : ctx.pathParams().entrySet()) {
      String value = param.getValue();
      if (value == null || !RULES.getOrDefault(param.getKey(), DEFAULT).matcher(value).matches()) {
        ctx.fail(ApiError.badField(param.getKey(), "invalid_path_parameter", "the path parameter '" + param.getKey()
            + "' is too long or holds characters it cannot hold"));
        return;
      }
    }
    ctx.next();
  }
}
