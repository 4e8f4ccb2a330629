package io.mailroom.http;

import io.vertx.core.json.JsonObject;

/** A request the API refuses: an HTTP status, a stable code, a message, and the field at fault. */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;
  private final JsonObject details = new JsonObject();

  public ApiError(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  public static ApiError badField(String field, String code, String message) {
    return new ApiError(400, code, message, field);
  }

  /** Adds a member to the error's JSON (such as the line and column of a template error); returns this. */
  public ApiError withDetail(String key, Object value) {
    details.put(key, value);
    return this;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonObject toJson() {
    JsonObject error = new JsonObject().put("code", code).put("message", getMessage());
    if (field != null) {
      error.put("field", field);
    }
    details.forEach(detail -> error.put(detail.getKey(), detail.getValue()));
    return new JsonObject().put("error", error);
  }
}
