package io.mailroom.aws;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.List;

/**
 * A global secondary index as a table is created with it: a string partition key, a sort key of
 * {@code rangeType}, and the attributes it carries ({@code ALL}, or only the keys).
 */
public record GlobalIndex(String name, String hashKey, String rangeKey, ScalarAttributeType rangeType,
                          ProjectionType projection) {

  GlobalSecondaryIndex definition() {
    return GlobalSecondaryIndex.builder()
        .indexName(name)
        .keySchema(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build())
        .projection(Projection.builder().projectionType(projection).build())
        .build();
  }

  List<AttributeDefinition> attributes() {
    return List.of(
        AttributeDefinition.builder().attributeName(hashKey).attributeType(ScalarAttributeType.S).build(),
        AttributeDefinition.builder().attributeName(rangeKey).attributeType(rangeType).build());
  }
}
