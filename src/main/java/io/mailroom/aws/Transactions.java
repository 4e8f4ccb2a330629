package io.mailroom.aws;

import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * TransactWriteItems as Amazon DynamoDB answers it: a cancelled transaction says, item by item,
 * whether a condition failed ({@code ConditionalCheckFailed}) or another write to the same item
 * was under way ({@code TransactionConflict}, which no retry of the SDK covers). A conflict is
 * tried again after a short pause; a failed condition is the caller's answer.
 */
public final class Transactions {
  public static final String CONDITION_FAILED = "ConditionalCheckFailed";
  public static final String CONFLICT = "TransactionConflict";
  static final int ATTEMPTS = 5;
  private static final long PAUSE_MILLIS = 25;

  private Transactions() {
  }

  /** The reason code of each item of a cancelled transaction, in order; empty for any other error. */
  public static List<String> reasons(Throwable e) {
    if (!(e instanceof TransactionCanceledException canceled) || !canceled.hasCancellationReasons()) {
      return List.of();
    }
    return canceled.cancellationReasons().stream().map(CancellationReason::code)
        .map(code -> code == null ? "None" : code).toList();
  }

  /** Whether item {@code index}'s condition is what cancelled the transaction. */
  public static boolean conditionFailed(Throwable e, int index) {
    List<String> reasons = reasons(e);
    return reasons.size() > index && CONDITION_FAILED.equals(reasons.get(index));
  }

  static boolean conflicted(Throwable e) {
    List<String> reasons = reasons(e);
    return reasons.contains(CONFLICT) && !reasons.contains(CONDITION_FAILED);
  }

  /** Runs the transaction, again after a pause while it only conflicted with another write. */
  public static Future<TransactWriteItemsResponse> write(Supplier<CompletableFuture<TransactWriteItemsResponse>> transaction) {
    return attempt(transaction, 1);
  }

  private static Future<TransactWriteItemsResponse> attempt(
      Supplier<CompletableFuture<TransactWriteItemsResponse>> transaction, int attempt) {
    CompletableFuture<TransactWriteItemsResponse> call = attempt == 1 ? transaction.get()
        : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(PAUSE_MILLIS << (attempt - 2), TimeUnit.MILLISECONDS))
            .thenCompose(x -> transaction.get());
    return Async.of(call).recover(e -> conflicted(e) && attempt < ATTEMPTS
        ? attempt(transaction, attempt + 1) : Future.failedFuture(e));
  }
}
