package dev.fargatescaler.deploychecks;

import dev.fargatescaler.deploychecks.Finding.Rule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks every IAM permission a CloudFormation/SAM template grants against this project's least-privilege rules
 * (docs/security.md): no wildcard action, no {@code *} resource on a mutating action, {@code iam:PassRole} only
 * with {@code iam:PassedToService}, secrets readable only by the principal that uses them, no unreviewable
 * managed policy. Both branches of every {@code Fn::If} are checked.
 *
 * <p>SAM adds managed policies to the roles it generates (AWSLambdaBasicExecutionRole for every function without
 * a {@code Role}, AWSLambdaSQSQueueExecutionRole for an SQS event source...). The checker knows their content and
 * checks it like any other statement, so that they appear as findings with an {@code implicit:} origin; the
 * caller decides which of those it accepts, in the open.
 */
public final class PolicyChecker {

    /** Verbs that read without changing anything (IAM's "Read" and "List" access levels, approximately). */
    private static final Pattern READ_ONLY_VERB = Pattern.compile("(Get|List|Describe|BatchGet|BatchCheck)[A-Za-z]*");

    /** Actions that reveal a secret value. */
    private static final Set<String> SECRET_READS = Set.of("secretsmanager:getsecretvalue", "ssm:getparameter",
            "ssm:getparameters", "ssm:getparametersbypath", "ssm:getparameterhistory");

    /**
     * An ARN that names every resource (or every resource of one type) of a service in the account: all parts
     * after the service are wildcards, empty or the current region/account, and the resource is {@code *},
     * {@code type/*} or {@code type:*}. Pseudo parameters are replaced first ({@link #text}).
     */
    private static final Pattern UNSCOPED_ARN = Pattern.compile(
            "arn:[^:]+:[^:]+:(REGION|\\*)?:(ACCOUNT|\\*)?:([A-Za-z-]+[/:])?\\*");

    /** SAM policy templates known to be scoped to the resource they are given. */
    private static final Set<String> SCOPED_SAM_TEMPLATES = Set.of("SQSSendMessagePolicy", "SQSPollerPolicy",
            "SSMParameterReadPolicy", "AWSSecretsManagerGetSecretValuePolicy", "DynamoDBReadPolicy",
            "DynamoDBCrudPolicy", "S3ReadPolicy", "S3CrudPolicy", "SNSPublishMessagePolicy",
            "EventBridgePutEventsPolicy", "CloudWatchPutMetricPolicy");

    /**
     * Content of the AWS managed policies that SAM attaches by itself, from the AWS Managed Policy Reference.
     * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html
     * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaSQSQueueExecutionRole.html
     */
    static final Map<String, List<Map<String, Object>>> SAM_IMPLICIT_POLICIES = Map.of(
            "AWSLambdaBasicExecutionRole", List.of(Map.of("Effect", "Allow",
                    "Action", List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
                    "Resource", "*")),
            "AWSLambdaSQSQueueExecutionRole", List.of(Map.of("Effect", "Allow",
                    "Action", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                            "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
                    "Resource", "*")));

    /** SAM event source types whose generated role gets an extra managed policy. */
    private static final Map<String, String> SAM_EVENT_POLICIES = Map.of("SQS", "AWSLambdaSQSQueueExecutionRole");

    private final Map<String, Object> template;
    private final Map<String, Object> resources;
    private final List<Finding> findings = new ArrayList<>();

    private PolicyChecker(Map<String, Object> template) {
        this.template = template;
        this.resources = map(template.get("Resources"));
    }

    public static List<Finding> check(Map<String, Object> template) {
        PolicyChecker checker = new PolicyChecker(template);
        checker.run();
        return List.copyOf(checker.findings);
    }

    private void run() {
        for (Map.Entry<String, Object> entry : resources.entrySet()) {
            String id = entry.getKey();
            Map<String, Object> resource = map(entry.getValue());
            Map<String, Object> props = map(resource.get("Properties"));
            switch (String.valueOf(resource.get("Type"))) {
                case "AWS::IAM::Role" -> {
                    Set<String> uses = roleUses(id);
                    for (Object policy : Intrinsics.elements(props.get("Policies"))) {
                        Map<String, Object> p = map(policy);
                        checkDocument(id, "policy " + p.get("PolicyName"), p.get("PolicyDocument"), uses);
                    }
                    checkManagedPolicies(id, props.get("ManagedPolicyArns"));
                    checkTrust(id, props.get("AssumeRolePolicyDocument"));
                }
                case "AWS::Events::EventBusPolicy" -> checkBusPolicy(id, props);
                case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" -> {
                    Set<String> uses = new LinkedHashSet<>();
                    for (Object role : Intrinsics.elements(props.get("Roles"))) {
                        Intrinsics.references(role).forEach(r -> uses.addAll(roleUses(r)));
                    }
                    checkDocument(id, "policy", props.get("PolicyDocument"), uses);
                }
                case "AWS::Serverless::Function" -> checkSamFunction(id, props);
                default -> {
                }
            }
        }
    }

    private void checkSamFunction(String id, Map<String, Object> props) {
        Set<String> uses = functionUses(props);
        if (props.get("Role") == null) {
            List<String> implicit = new ArrayList<>(List.of("AWSLambdaBasicExecutionRole"));
            for (Object event : map(props.get("Events")).values()) {
                String policy = SAM_EVENT_POLICIES.get(String.valueOf(map(event).get("Type")));
                if (policy != null && !implicit.contains(policy)) {
                    implicit.add(policy);
                }
            }
            for (String name : implicit) {
                checkStatements(id, "implicit:" + name, List.copyOf(SAM_IMPLICIT_POLICIES.get(name)), uses);
            }
        }
        for (Object policy : Intrinsics.elements(props.get("Policies"))) {
            if (policy instanceof String name) {
                finding(id, "Policies", name, Rule.MANAGED_POLICY, "managed policy " + name
                        + " cannot be reviewed in the template; write the statements it needs");
            } else if (policy instanceof Map<?, ?> p && p.containsKey("Statement")) {
                checkDocument(id, "Policies", p, uses);
            } else if (policy instanceof Map<?, ?> p && p.size() == 1 && !p.containsKey("Ref")) {
                String templateName = String.valueOf(p.keySet().iterator().next());
                if (!SCOPED_SAM_TEMPLATES.contains(templateName)) {
                    finding(id, "Policies", templateName, Rule.UNKNOWN_SAM_POLICY_TEMPLATE,
                            "SAM policy template " + templateName + " is not known to be scoped");
                }
            }
        }
    }

    private void checkManagedPolicies(String principal, Object arns) {
        for (Object arn : Intrinsics.elements(arns)) {
            boolean fromParameter = arn instanceof Map<?, ?> m && m.containsKey("Ref")
                    && map(template.get("Parameters")).containsKey(String.valueOf(m.get("Ref")));
            if (!fromParameter) {
                finding(principal, "ManagedPolicyArns", String.valueOf(arn), Rule.MANAGED_POLICY,
                        "managed policy " + arn + " cannot be reviewed in the template");
            }
        }
    }

    private void checkDocument(String principal, String origin, Object document, Set<String> uses) {
        List<Object> statements = new ArrayList<>();
        for (Object doc : Intrinsics.alternatives(document)) {
            statements.addAll(Intrinsics.elements(map(doc).get("Statement")));
        }
        checkStatements(principal, origin, statements, uses);
    }

    private void checkStatements(String principal, String origin, List<?> statements, Set<String> uses) {
        int index = 0;
        for (Object element : statements) {
            Map<String, Object> statement = map(element);
            String name = statement.containsKey("Sid") ? String.valueOf(statement.get("Sid")) : "#" + index;
            index++;
            if ("Deny".equals(statement.get("Effect"))) {
                continue;
            }
            checkStatement(principal, origin, name, statement, uses);
        }
    }

    private void checkStatement(String principal, String origin, String name, Map<String, Object> statement,
            Set<String> uses) {
        if (statement.containsKey("NotAction") || statement.containsKey("NotResource")) {
            finding(principal, origin, name, Rule.NOT_ACTION_OR_NOT_RESOURCE,
                    "Allow with NotAction/NotResource grants everything not listed");
        }
        List<String> actions = new ArrayList<>();
        for (Object action : Intrinsics.elements(statement.get("Action"))) {
            actions.add(String.valueOf(action));
        }
        List<Object> resources = Intrinsics.elements(statement.get("Resource"));
        List<String> unscoped = resources.stream().filter(PolicyChecker::unscoped).map(PolicyChecker::text).toList();

        for (String action : actions) {
            if (action.contains("*")) {
                finding(principal, origin, name, Rule.WILDCARD_ACTION, "wildcard action " + action);
            }
        }
        List<String> mutating = actions.stream().filter(a -> !readOnly(a)).toList();
        if (!mutating.isEmpty() && !unscoped.isEmpty()) {
            finding(principal, origin, name, Rule.UNSCOPED_RESOURCE_ON_MUTATING_ACTION,
                    mutating + " on " + unscoped);
        }
        if (actions.stream().anyMatch(a -> a.equalsIgnoreCase("sts:AssumeRole"))) {
            List<String> wide = resources.stream().map(PolicyChecker::text).filter(r -> r.contains("*")).toList();
            if (!wide.isEmpty()) {
                finding(principal, origin, name, Rule.ASSUME_ROLE_NOT_LISTED,
                        "sts:AssumeRole on " + wide + ": list the roles (a parameter of role ARNs)");
            }
        }
        if (actions.stream().anyMatch(a -> a.equalsIgnoreCase("iam:PassRole"))
                && !hasConditionKey(statement.get("Condition"), "iam:PassedToService")) {
            finding(principal, origin, name, Rule.PASS_ROLE_WITHOUT_SERVICE_CONDITION,
                    "iam:PassRole without an iam:PassedToService condition");
        }
        if (actions.stream().anyMatch(a -> SECRET_READS.contains(a.toLowerCase(Locale.ROOT)))) {
            if (!unscoped.isEmpty()) {
                finding(principal, origin, name, Rule.SECRET_READ_UNSCOPED, "secret read on " + unscoped);
            } else {
                Set<String> secrets = new LinkedHashSet<>();
                for (Object resource : resources) {
                    secrets.addAll(keys(resource));
                }
                if (secrets.stream().noneMatch(uses::contains)) {
                    finding(principal, origin, name, Rule.SECRET_NOT_NEEDED, "reads " + secrets
                            + " but never uses it (the principal's configuration references " + uses + ")");
                }
            }
        }
    }

    /** Who may assume a role: services, or named principals; a whole account or anyone only with a condition. */
    private void checkTrust(String role, Object document) {
        for (Object doc : Intrinsics.alternatives(document)) {
            int index = 0;
            for (Object element : Intrinsics.elements(map(doc).get("Statement"))) {
                Map<String, Object> statement = map(element);
                String name = statement.containsKey("Sid") ? String.valueOf(statement.get("Sid")) : "#" + index;
                index++;
                if ("Deny".equals(statement.get("Effect"))) {
                    continue;
                }
                Object principal = statement.get("Principal");
                List<Object> aws = principal instanceof Map<?, ?> m ? Intrinsics.elements(m.get("AWS"))
                        : List.of(String.valueOf(principal));
                List<String> wide = aws.stream().map(PolicyChecker::text)
                        .filter(p -> p.equals("*") || p.matches("[0-9]{12}") || p.endsWith(":root")).toList();
                boolean conditioned = hasConditionKey(statement.get("Condition"), "sts:ExternalId")
                        || hasConditionKey(statement.get("Condition"), "aws:PrincipalArn")
                        || hasConditionKey(statement.get("Condition"), "aws:SourceAccount");
                if (!wide.isEmpty() && !conditioned) {
                    finding(role, "AssumeRolePolicyDocument", name, Rule.TRUST_TOO_WIDE,
                            "trusts " + wide + " without an sts:ExternalId, aws:PrincipalArn or aws:SourceAccount "
                                    + "condition: name the roles that may assume it");
                }
            }
        }
    }

    /** An event bus policy: named accounts only, and only to put events. */
    private void checkBusPolicy(String id, Map<String, Object> props) {
        List<Object> statements = props.containsKey("Statement") ? Intrinsics.alternatives(props.get("Statement"))
                : List.of(props);
        for (Object element : statements) {
            Map<String, Object> statement = map(element);
            Object principal = statement.containsKey("Principal") ? statement.get("Principal") : props.get("Principal");
            List<Object> aws = principal instanceof Map<?, ?> m ? Intrinsics.elements(m.get("AWS"))
                    : List.of(String.valueOf(principal));
            boolean anyone = aws.stream().map(PolicyChecker::text).anyMatch("*"::equals)
                    && !hasConditionKey(statement.get("Condition"), "aws:PrincipalOrgID");
            List<String> actions = Intrinsics.elements(statement.containsKey("Action") ? statement.get("Action")
                    : props.get("Action")).stream().map(String::valueOf).toList();
            List<String> beyondPut = actions.stream().filter(a -> !a.equalsIgnoreCase("events:PutEvents")).toList();
            if (anyone || !beyondPut.isEmpty()) {
                finding(id, "EventBusPolicy", String.valueOf(props.get("StatementId")), Rule.EVENT_BUS_POLICY_TOO_WIDE,
                        (anyone ? "open to any account" : "grants " + beyondPut) + ": let the listed accounts "
                                + "events:PutEvents only");
            }
        }
    }

    /** What a role's users consume: secrets of the task definitions it starts, environment of its functions. */
    private Set<String> roleUses(String roleId) {
        Set<String> uses = new LinkedHashSet<>();
        for (Object value : resources.values()) {
            Map<String, Object> resource = map(value);
            Map<String, Object> props = map(resource.get("Properties"));
            String type = String.valueOf(resource.get("Type"));
            if (type.equals("AWS::ECS::TaskDefinition")
                    && Intrinsics.references(props.get("ExecutionRoleArn")).contains(roleId)) {
                for (Object container : Intrinsics.elements(props.get("ContainerDefinitions"))) {
                    Map<String, Object> c = map(container);
                    for (Object secret : Intrinsics.elements(c.get("Secrets"))) {
                        uses.addAll(keys(map(secret).get("ValueFrom")));
                    }
                    uses.addAll(keys(map(c.get("RepositoryCredentials")).get("CredentialsParameter")));
                }
            } else if ((type.equals("AWS::Serverless::Function") || type.equals("AWS::Lambda::Function"))
                    && Intrinsics.references(props.get("Role")).contains(roleId)) {
                uses.addAll(functionUses(props));
            }
        }
        return uses;
    }

    /** A function's configuration (its own and the Globals' environment variables): what it may read. */
    private Set<String> functionUses(Map<String, Object> props) {
        Set<String> uses = new LinkedHashSet<>();
        Map<String, Object> globals = map(map(template.get("Globals")).get("Function"));
        for (Map<String, Object> source : List.of(globals, props)) {
            for (Object variable : map(map(source.get("Environment")).get("Variables")).values()) {
                uses.addAll(keys(variable));
            }
        }
        return uses;
    }

    /** What identifies a value: the names it references, or the literal itself. */
    private static Set<String> keys(Object node) {
        Set<String> keys = new LinkedHashSet<>(Intrinsics.references(node));
        if (node instanceof String literal) {
            keys.add(literal);
        }
        return keys;
    }

    private static boolean readOnly(String action) {
        int colon = action.indexOf(':');
        return colon > 0 && READ_ONLY_VERB.matcher(action.substring(colon + 1)).matches();
    }

    private static boolean unscoped(Object resource) {
        String text = text(resource);
        return text.equals("*") || UNSCOPED_ARN.matcher(text).matches();
    }

    /** A resource as text: a literal, or the template string of a {@code Fn::Sub} with pseudo parameters named. */
    private static String text(Object resource) {
        String text = String.valueOf(resource);
        if (resource instanceof Map<?, ?> m && m.containsKey("Fn::Sub")) {
            Object sub = m.get("Fn::Sub");
            text = String.valueOf(sub instanceof List<?> list ? list.get(0) : sub);
        }
        return text.replace("${AWS::Partition}", "aws").replace("${AWS::Region}", "REGION")
                .replace("${AWS::AccountId}", "ACCOUNT");
    }

    private static boolean hasConditionKey(Object condition, String key) {
        for (Object alternative : Intrinsics.alternatives(condition)) {
            for (Object operator : map(alternative).values()) {
                if (map(operator).keySet().stream().anyMatch(k -> k.equalsIgnoreCase(key))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void finding(String principal, String origin, String statement, Rule rule, String detail) {
        findings.add(new Finding(principal, origin, statement, rule, detail));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
