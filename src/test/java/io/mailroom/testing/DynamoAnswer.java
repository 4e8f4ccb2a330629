package io.mailroom.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** An answer a test proxy gives in DynamoDB's place: its JSON, with the CRC32 header the SDK checks. */
final class DynamoAnswer {
  private DynamoAnswer() {
  }

  static void json(HttpServerRequest request, int status, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    request.response().setStatusCode(status)
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("x-amz-crc32", Long.toString(crc.getValue()))
        .end(Buffer.buffer(bytes));
  }
}
