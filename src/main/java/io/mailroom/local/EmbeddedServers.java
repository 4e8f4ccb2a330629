package io.mailroom.local;

import io.mailroom.config.MailroomConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The local servers a node was configured to start (dynalite for {@code dynamodb.endpoint:
 * embedded}, ElasticMQ for {@code sqs.endpoint: embedded}), on loopback, and the endpoints the node
 * then uses: theirs, or the configured ones. Blocking: call it off the event loop.
 */
public record EmbeddedServers(String dynamoEndpoint, String sqsEndpoint, List<AutoCloseable> started) {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServers.class);

  /** Starts what {@code config} asks for; each server started is added to {@code started} as it starts, to be closed. */
  public static EmbeddedServers start(MailroomConfig config, List<AutoCloseable> started) {
    String dynamo = config.dynamodb().endpoint();
    String sqs = config.sqs().endpoint();
    if (config.dynamodb().embedded()) {
      String dataDir = config.dynamodb().embeddedPath();
      EmbeddedDynamo server = EmbeddedDynamo.start(dataDir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dataDir)));
      started.add(server);
      dynamo = server.endpoint();
      LOG.info("embedded DynamoDB (dynalite) at {}, {}", dynamo, dataDir.isEmpty() ? "in memory" : "data in " + dataDir);
    }
    if (config.sqs().embedded()) {
      EmbeddedSqs server = EmbeddedSqs.start();
      started.add(server);
      sqs = server.endpoint();
      LOG.info("embedded ElasticMQ at {}", sqs);
    }
    return new EmbeddedServers(dynamo, sqs, started);
  }
}
