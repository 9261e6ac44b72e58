package dev.abi.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Check 5: versioning on every bucket, point-in-time recovery on every table, IAM written as policy documents with no
 * wildcard action or resource outside the allowlist in infra-terraform/README.md and no Allow of not_actions or
 * not_resources, no project-wide storage role on
 * Google Cloud, no subscription-scoped role on Azure.
 */
final class Policy {

    /** Policy attributes that must come from a data "aws_iam_policy_document" (never a jsonencode string). */
    private static final List<String> AWS_POLICY_ATTRIBUTES = List.of("policy", "assume_role_policy");

    /**
     * A resource that names everything: "*", or an ARN whose resource part is only "*" (arn:aws:s3:::*,
     * arn:aws:sqs:*:*:*). Object ARNs under one bucket (${aws_s3_bucket.x.arn}/*) and a log group's streams are scoped.
     */
    private static final Pattern ANY_RESOURCE =
            Pattern.compile("\\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:\\*|arn:[^:]*:s3:::\\*");

    private Policy() {}

    static List<String> check(TfModule m, Path readme) {
        List<String> problems = new ArrayList<>();
        Set<String> allowed = allowlist(readme);
        List<TfModule.Block> resources = m.blocks("resource");
        Hcl hcl = Hcl.get();
        for (TfModule.Block b : resources) {
            switch (b.type()) {
                case "aws_s3_bucket" -> {
                    boolean versioned = resources.stream()
                            .filter(v -> v.type().equals("aws_s3_bucket_versioning"))
                            .filter(v -> hcl.references(v.body().path("bucket").asText()).stream()
                                    .anyMatch(r -> r.startsWith("aws_s3_bucket." + b.name() + ".")))
                            .anyMatch(v -> v.body()
                                    .path("versioning_configuration")
                                    .path(0)
                                    .path("status")
                                    .asText()
                                    .equals("Enabled"));
                    if (!versioned) {
                        problems.add(b.where() + ": no aws_s3_bucket_versioning with status = \"Enabled\"");
                    }
                }
                case "google_storage_bucket" -> {
                    if (!b.body().path("versioning").path(0).path("enabled").asBoolean()) {
                        problems.add(b.where() + ": versioning { enabled = true } is missing");
                    }
                }
                case "azurerm_storage_account" -> {
                    if (!b.body()
                            .path("blob_properties")
                            .path(0)
                            .path("versioning_enabled")
                            .asBoolean()) {
                        problems.add(b.where() + ": blob_properties { versioning_enabled = true } is missing");
                    }
                }
                case "aws_dynamodb_table" -> {
                    if (!b.body()
                            .path("point_in_time_recovery")
                            .path(0)
                            .path("enabled")
                            .asBoolean()) {
                        problems.add(b.where() + ": point_in_time_recovery { enabled = true } is missing");
                    }
                }
                case "google_project_iam_member", "google_project_iam_binding", "google_project_iam_policy" -> {
                    String role = b.body().path("role").asText();
                    if (role.startsWith("roles/storage.") || b.body().toString().contains("roles/storage.")) {
                        problems.add(b.where() + ": a storage role on the whole project; grant it on the bucket");
                    }
                }
                case "azurerm_role_assignment" -> {
                    String scope = b.body().path("scope").asText();
                    if (scope.matches("^/subscriptions/[^/]+/?$")
                            || scope.contains("azurerm_subscription")
                            || scope.contains("azurerm_client_config")) {
                        problems.add(b.where() + ": scoped to the subscription; scope it to the resource");
                    }
                }
                default -> {}
            }
            if (b.type().startsWith("aws_")) {
                for (String attr : AWS_POLICY_ATTRIBUTES) {
                    String v = b.body().path(attr).asText();
                    if (b.body().has(attr)
                            && !v.matches("\\$\\{data\\.aws_iam_policy_document\\.[a-z0-9_]+(\\[[^]]+])?\\.json}")) {
                        problems.add(
                                b.where() + ": " + attr + " must be a data.aws_iam_policy_document's json, not " + v);
                    }
                }
            }
        }
        for (TfModule.Block d : m.blocks("data")) {
            if (!d.type().equals("aws_iam_policy_document")) {
                continue;
            }
            for (JsonNode st : d.body().path("statement")) {
                String sid = st.path("sid").asText("");
                String key = m.name() + "/" + d.name() + "/" + sid;
                // An Allow of "everything but": as wide as a wildcard, and no list of names can show it is not.
                // (A Deny so written only narrows what other statements allow.)
                if (!st.path("effect").asText("Allow").equals("Deny")) {
                    for (String negated : List.of("not_actions", "not_resources")) {
                        if (st.has(negated)) {
                            problems.add(d.where() + " statement \"" + sid + "\": " + negated
                                    + " in an Allow grants everything but what it lists; name the "
                                    + negated.substring(4) + " instead");
                        }
                    }
                }
                for (String field : List.of("actions", "resources")) {
                    for (JsonNode v : st.path(field)) {
                        String s = v.asText();
                        boolean wildcard = field.equals("actions")
                                ? s.contains("*")
                                : ANY_RESOURCE.matcher(s).matches();
                        if (wildcard && !allowed.contains(key)) {
                            problems.add(d.where() + " statement \"" + sid + "\": wildcard " + field + " \"" + s
                                    + "\" (not in the allowlist of infra-terraform/README.md)");
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z0-9_-]+/[a-z0-9_]+/[A-Za-z0-9]*)`\\s*\\|\\s*\\S");

    /** The rows of the README's "## IAM wildcard allowlist" table: `module/document/sid` | why AWS needs it. */
    static Set<String> allowlist(Path readme) {
        Set<String> keys = new TreeSet<>();
        if (!Files.isRegularFile(readme)) {
            return keys;
        }
        boolean in = false;
        try {
            for (String line : Files.readAllLines(readme)) {
                if (line.startsWith("## ")) {
                    in = line.trim().equals("## IAM wildcard allowlist");
                } else if (in) {
                    Matcher row = ROW.matcher(line);
                    if (row.find()) {
                        keys.add(row.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }
}
