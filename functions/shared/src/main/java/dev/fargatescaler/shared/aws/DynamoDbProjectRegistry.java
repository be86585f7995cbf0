package dev.fargatescaler.shared.aws;

import dev.fargatescaler.domain.lifecycle.ProjectRegistry;
import dev.fargatescaler.domain.webhook.ProjectSightings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The projects that sent this deployment a webhook, in a DynamoDB table (on demand, TTL on {@code expiresAt}):
 * one item per project, keyed by {@code projectId} (number), with epoch seconds {@code firstSeenAt},
 * {@code lastSeenAt} (written by the webhook), {@code lastSweptAt} (written by the sweeper) and
 * {@code expiresAt}. Both writers use {@code UpdateItem} on disjoint attributes, so neither overwrites the other;
 * the sweeper reads the table with {@code Scan} (one item per active project: a handful of pages at most).
 *
 * <p>An item expires {@link #RETENTION} after its last sighting; DynamoDB deletes expired items within days, not
 * at once (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html), which is
 * harmless: activity is decided on {@code lastSeenAt}, never on the item's presence.
 */
public final class DynamoDbProjectRegistry implements ProjectSightings, ProjectRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbProjectRegistry.class);

    public static final String PROJECT_ID = "projectId";
    static final String FIRST_SEEN = "firstSeenAt";
    static final String LAST_SEEN = "lastSeenAt";
    static final String LAST_SWEPT = "lastSweptAt";
    public static final String EXPIRES = "expiresAt";

    /** How long an item outlives its last sighting: longer than the longest active window the sweeper allows. */
    public static final Duration RETENTION = Duration.ofDays(31);

    private final DynamoDbClient dynamo;
    private final String table;
    /** Items per Scan page (each page also stays under DynamoDB's 1 MB). */
    static final int SCAN_PAGE = 1000;

    private final int maxProjects;
    private final int scanPage;

    /** @param maxProjects the most items {@link #projects()} reads (the rest are logged as left out) */
    public DynamoDbProjectRegistry(DynamoDbClient dynamo, String table, int maxProjects) {
        this(dynamo, table, maxProjects, SCAN_PAGE);
    }

    DynamoDbProjectRegistry(DynamoDbClient dynamo, String table, int maxProjects, int scanPage) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
        if (maxProjects < 1 || scanPage < 1) {
            throw new IllegalArgumentException("maxProjects and scanPage must be positive");
        }
        this.maxProjects = maxProjects;
        this.scanPage = scanPage;
    }

    /**
     * SnapStart priming: marshals and signs the webhook's UpdateItem without sending it (nothing written, no
     * connection opened, the function's credentials not resolved).
     */
    public void prime() {
        PrimingInterceptor.marshalAndSign(() -> dynamo.updateItem(r -> r.tableName(table)
                .key(key(1)).updateExpression(SEEN_EXPRESSION).expressionAttributeValues(Map.of(
                        ":at", number(0), ":expires", number(0)))
                .overrideConfiguration(o -> o.credentialsProvider(PrimingInterceptor.CREDENTIALS))));
    }

    private static final String SEEN_EXPRESSION =
            "SET " + LAST_SEEN + " = :at, " + EXPIRES + " = :expires, " + FIRST_SEEN + " = if_not_exists("
                    + FIRST_SEEN + ", :at)";

    @Override
    public void seen(long projectId, Instant at) {
        call("UpdateItem", () -> dynamo.updateItem(r -> r.tableName(table).key(key(projectId))
                .updateExpression(SEEN_EXPRESSION)
                .expressionAttributeValues(Map.of(":at", number(at.getEpochSecond()),
                        ":expires", number(at.plus(RETENTION).getEpochSecond())))));
    }

    /**
     * Sets {@code lastSweptAt}; an item that does not exist yet (a project only listed in
     * {@code CATCH_UP_PROJECT_IDS}) is created with an expiry, so that it does not stay forever.
     */
    @Override
    public void swept(long projectId, Instant at) {
        call("UpdateItem", () -> dynamo.updateItem(r -> r.tableName(table).key(key(projectId))
                .updateExpression("SET " + LAST_SWEPT + " = :at, " + EXPIRES + " = if_not_exists(" + EXPIRES
                        + ", :expires)")
                .expressionAttributeValues(Map.of(":at", number(at.getEpochSecond()),
                        ":expires", number(at.plus(RETENTION).getEpochSecond())))));
    }

    @Override
    public List<KnownProject> projects() {
        List<KnownProject> projects = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanRequest.Builder request = ScanRequest.builder().tableName(table)
                    .projectionExpression(String.join(", ", PROJECT_ID, FIRST_SEEN, LAST_SEEN, LAST_SWEPT))
                    .limit(scanPage)
                    .consistentRead(false);
            if (from != null) {
                request.exclusiveStartKey(from);
            }
            ScanResponse page = call("Scan", () -> dynamo.scan(request.build()));
            for (Map<String, AttributeValue> item : page.items()) {
                Long id = epochOrNull(item.get(PROJECT_ID));
                if (id == null || id <= 0) {
                    continue;
                }
                if (projects.size() >= maxProjects) {
                    LOG.warn("the projects table {} holds more than {} projects; the catch-up walks only the first {}",
                            table, maxProjects, maxProjects);
                    return projects;
                }
                projects.add(new KnownProject(id, instant(item.get(FIRST_SEEN)), instant(item.get(LAST_SEEN)),
                        instant(item.get(LAST_SWEPT))));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return projects;
    }

    private static <T> T call(String operation, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw AwsErrors.classify(operation, e);
        }
    }

    private static Map<String, AttributeValue> key(long projectId) {
        return Map.of(PROJECT_ID, number(projectId));
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static Instant instant(AttributeValue value) {
        Long seconds = epochOrNull(value);
        return seconds == null ? null : Instant.ofEpochSecond(seconds);
    }

    private static Long epochOrNull(AttributeValue value) {
        if (value == null || value.n() == null) {
            return null;
        }
        try {
            return Long.parseLong(value.n());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
