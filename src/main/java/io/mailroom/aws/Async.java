package io.mailroom.aws;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Bridges the AWS SDK's CompletableFutures back onto the calling Vert.x context; and reads a
 * DynamoDB conditional write as whether its condition held.
 */
public final class Async {
  private Async() {
  }

  public static <T> Future<T> of(CompletableFuture<T> future) {
    Context context = Vertx.currentContext();
    CompletableFuture<T> unwrapped = future.handle((value, error) -> {
      if (error != null) {
        throw error instanceof CompletionException && error.getCause() != null
            ? new CompletionException(error.getCause()) : new CompletionException(error);
      }
      return value;
    });
    Future<T> bridged = context == null ? Future.fromCompletionStage(unwrapped)
        : Future.fromCompletionStage(unwrapped, context);
    return bridged.recover(e -> Future.failedFuture(e instanceof CompletionException && e.getCause() != null
        ? e.getCause() : e));
  }

  /** True once the conditional {@code write} is made; false when its condition did not hold; any other error fails. */
  public static Future<Boolean> conditional(CompletableFuture<?> write) {
    return of(write).map(true).recover(e -> e instanceof ConditionalCheckFailedException ? Future.succeededFuture(false)
        : Future.failedFuture(e));
  }
}
