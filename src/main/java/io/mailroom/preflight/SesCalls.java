package io.mailroom.preflight;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.EventDestination;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;
import software.amazon.awssdk.services.sesv2.model.GetConfigurationSetResponse;
import software.amazon.awssdk.services.sesv2.model.GetEmailIdentityResponse;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The four SES v2 reads preflight makes, each waited for at most the timeout; a failure is one line. */
final class SesCalls {
  private final SesV2AsyncClient ses;
  private final long timeoutMillis;

  /** An SES call that failed, timed out or found nothing; its message is the report's detail. */
  static final class Failed extends Exception {
    Failed(String message) {
      super(message);
    }
  }

  SesCalls(SesV2AsyncClient ses, long timeoutMillis) {
    this.ses = ses;
    this.timeoutMillis = timeoutMillis;
  }

  GetEmailIdentityResponse identity(String domain) throws Failed {
    return await(ses.getEmailIdentity(b -> b.emailIdentity(domain)), "GetEmailIdentity");
  }

  GetAccountResponse account() throws Failed {
    return await(ses.getAccount(b -> { }), "GetAccount");
  }

  GetConfigurationSetResponse configurationSet(String name) throws Failed {
    return await(ses.getConfigurationSet(b -> b.configurationSetName(name)), "GetConfigurationSet");
  }

  List<EventDestination> eventDestinations(String set) throws Failed {
    return await(ses.getConfigurationSetEventDestinations(b -> b.configurationSetName(set)),
        "GetConfigurationSetEventDestinations").eventDestinations();
  }

  private <T> T await(CompletableFuture<T> call, String api) throws Failed {
    try {
      return call.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new Failed(api + " got no answer within " + timeoutMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed(api + " interrupted");
    } catch (ExecutionException e) {
      throw new Failed(describe(api, e.getCause()));
    }
  }

  private static String describe(String api, Throwable cause) {
    if (cause instanceof NotFoundException) {
      return "not found (" + api + ")";
    }
    if (cause instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
      return api + " failed: " + aws.awsErrorDetails().errorCode() + " " + aws.awsErrorDetails().errorMessage();
    }
    return api + " failed: " + cause.getClass().getSimpleName() + " " + cause.getMessage();
  }
}
