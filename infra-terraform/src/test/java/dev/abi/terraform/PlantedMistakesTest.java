package dev.abi.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each check can fail: a mistake planted in a temporary copy of a module (the AWS module unless named; never in the
 * real files) makes the check report it. The unchanged copies pass every check, so each failure below comes from its
 * mistake alone.
 */
class PlantedMistakesTest {

    @TempDir
    Path temp;

    @BeforeAll
    static void theUnchangedCopiesPass(@TempDir Path copy) throws IOException {
        // named like the originals: the policy allowlist names statements as module/document/sid
        for (String module : List.of("aws", "gcp", "azure", "gpu")) {
            copyOf(ModulesTest.ROOT.resolve(module), copy.resolve(module));
            TfModule m = TfModule.load(Hcl.get(), copy.resolve(module));
            for (String check : ModulesTest.CHECKS) {
                assertEquals(
                        List.of(), ModulesTest.run(check, m), "the unchanged copy of " + module + ", check " + check);
            }
        }
    }

    // ---- 1. parse and format -------------------------------------------------------------------------------------

    @Test
    void aSyntaxErrorNamesFileLineAndColumn() throws IOException {
        TfModule m = plant("lambda.tf", "  timeout          = var.api_timeout\n", "  timeout          = \n");
        int line = lineOf(m.dir().resolve("lambda.tf"), "  timeout          = ");
        List<String> problems = ModulesTest.run("syntax", m);
        assertTrue(problems.stream().anyMatch(p -> p.contains("lambda.tf:" + line + ":")), problems.toString());
    }

    @Test
    void anUnformattedFileFails() throws IOException {
        TfModule m =
                plant("table.tf", "  billing_mode = \"PAY_PER_REQUEST\"", "  billing_mode    = \"PAY_PER_REQUEST\"");
        caught("syntax", m, "table.tf: not formatted");
    }

    @Test
    void anUnformattedTestFileFails() throws IOException {
        TfModule m = plant("tests/toggles.tftest.hcl", "  command = plan", "  command=plan");
        caught("syntax", m, "toggles.tftest.hcl: not formatted");
    }

    // ---- 2. structure --------------------------------------------------------------------------------------------

    @Test
    void aVariableWithoutDescriptionFails() throws IOException {
        TfModule m = plant(
                "variables.tf",
                "  description = \"Messages per invocation of the indexing function (the SAM template: 10).\"\n",
                "");
        caught("structure", m, "variable.batch_size has no description");
    }

    @Test
    void aVariableWithoutTypeFails() throws IOException {
        TfModule m = plant("variables.tf", "  type        = number\n  default     = 5\n", "  default     = 5\n");
        caught("structure", m, "variable.max_receive_count has no type");
    }

    @Test
    void aReadmeTableOutOfStepFails() throws IOException {
        TfModule m = plant(
                "README.md",
                "| `batch_size` | `number` | `10` | Messages per invocation of the indexing function. |\n",
                "");
        caught("structure", m, "## Inputs lacks [batch_size]");
    }

    @Test
    void anUnpinnedProviderFails() throws IOException {
        TfModule m = plant("versions.tf", "      version = \"~> 6.66\"\n", "");
        caught("structure", m, "provider aws needs a source and a pinned version range");
    }

    @Test
    void aMissingFileFails() throws IOException {
        TfModule m = plant("locals.tf", null, null);
        caught("structure", m, "aws: missing locals.tf");
    }

    // ---- 3. schema -----------------------------------------------------------------------------------------------

    @Test
    void aMisspelledArgumentFails() throws IOException {
        TfModule m = plant(
                "lambda.tf", "  memory_size      = var.api_memory_size", "  memory_sise      = var.api_memory_size");
        caught("schema", m, "aws_lambda_function.api: unknown argument or block \"memory_sise\"");
    }

    @Test
    void aMisspelledNestedArgumentFails() throws IOException {
        TfModule m = plant(
                "storage.tf",
                "      noncurrent_days = var.noncurrent_version_expiration_days",
                "      noncurrent_day = var.noncurrent_version_expiration_days");
        caught("schema", m, "noncurrent_version_expiration: unknown argument or block \"noncurrent_day\"");
    }

    @Test
    void aMissingRequiredArgumentFails() throws IOException {
        TfModule m = plant("lambda.tf", "  role             = aws_iam_role.api.arn\n", "");
        caught("schema", m, "aws_lambda_function.api: required argument \"role\" is missing");
    }

    @Test
    void anUnknownResourceTypeFails() throws IOException {
        TfModule m = plant("table.tf", "resource \"aws_dynamodb_table\"", "resource \"aws_dynamo_table\"");
        caught("schema", m, "aws_dynamo_table is not a resource type of hashicorp/aws 6.66.0");
    }

    @Test
    void aVersionRangeThatExcludesTheSchemasReleaseFails() throws IOException {
        TfModule m = plant("versions.tf", "      version = \"~> 6.66\"", "      version = \"~> 7.0\"");
        caught("schema", m, "provider aws version \"~> 7.0\" does not admit 6.66.0");
    }

    // ---- 4. contract ---------------------------------------------------------------------------------------------

    @Test
    void anUnknownAbiNameFails() throws IOException {
        TfModule m = plant(
                "locals.tf",
                "    ABI_STORE_BUCKET   = aws_s3_bucket.state.bucket",
                "    ABI_STORE_BUKET    = aws_s3_bucket.state.bucket");
        caught("contract", m, "ABI_STORE_BUKET is not an environment variable the code reads");
        caught("contract", m, "required ABI_STORE_BUCKET is not set");
    }

    @Test
    void aDroppedVectorFlagFails() throws IOException {
        TfModule m = plant(
                "locals.tf",
                "    JAVA_TOOL_OPTIONS  = \"--add-modules=jdk.incubator.vector\"",
                "    JAVA_TOOL_OPTIONS  = \"-XX:+UseSerialGC\"");
        caught(
                "contract",
                m,
                "aws_lambda_function.indexer: JAVA_TOOL_OPTIONS must carry --add-modules=jdk.incubator.vector");
    }

    @Test
    void aCallerMapMergedLastFails() throws IOException {
        TfModule m = plant(
                "lambda.tf",
                "    variables = merge(var.environment, local.required_environment)\n  }\n\n  logging_config {\n    log_format = \"Text\"\n    log_group  = aws_cloudwatch_log_group.api.name",
                "    variables = merge(local.required_environment, var.environment)\n  }\n\n  logging_config {\n    log_format = \"Text\"\n    log_group  = aws_cloudwatch_log_group.api.name");
        caught("contract", m, "aws_lambda_function.api: the last argument of merge(...) must be the local map");
    }

    @Test
    void aStoreKindThePackageLacksFails() throws IOException {
        TfModule m = plant("locals.tf", "    ABI_STORE_KIND     = \"s3\"", "    ABI_STORE_KIND     = \"gcs\"");
        caught("contract", m, "ABI_STORE_KIND=gcs is not a kind this package offers [s3]");
    }

    @Test
    void aHandlerClassMissingFromTheZipFails() throws IOException {
        TfModule m = plant("locals.tf", "QuarkusStreamHandler::handleRequest", "QuarkusStreamHandlr::handleRequest");
        caught(
                "contract",
                m,
                "handler class io.quarkus.amazon.lambda.runtime.QuarkusStreamHandlr is not in adapters-aws/target/function.zip");
    }

    @Test
    void aMappingOnLatestFails() throws IOException {
        TfModule m = plant(
                "ingest.tf",
                "  function_name           = aws_lambda_alias.indexer[0].arn",
                "  function_name           = aws_lambda_function.indexer[0].arn");
        caught(
                "contract",
                m,
                "aws_lambda_event_source_mapping.ingest: function_name must refer to an aws_lambda_alias");
    }

    @Test
    void aFunctionUrlOnLatestFails() throws IOException {
        TfModule m = plant(
                "http.tf", "  qualifier          = aws_lambda_alias.api.name", "  qualifier          = \"$LATEST\"");
        caught("contract", m, "aws_lambda_function_url.api: qualifier must refer to an aws_lambda_alias, not $LATEST");
    }

    @Test
    void snapStartWithoutPublishedVersionFails() throws IOException {
        TfModule m = plant(
                "lambda.tf",
                "  timeout          = var.api_timeout\n  publish          = true",
                "  timeout          = var.api_timeout\n  publish          = false");
        caught("contract", m, "aws_lambda_function.api: SnapStart applies to published versions only");
    }

    @Test
    void snapStartWithoutAliasFails() throws IOException {
        TfModule m = plant(
                "lambda.tf", "  function_version = aws_lambda_function.api.version", "  function_version = \"1\"");
        caught("contract", m, "SnapStart needs an aws_lambda_alias on aws_lambda_function.api.version");
    }

    @Test
    void memoryOtherThanTheSamTemplatesFails() throws IOException {
        TfModule m = plant(
                "variables.tf",
                "  description = \"Memory of the indexing function in MB (the SAM template's AbiIndexer: 2048).\"\n  type        = number\n  default     = 2048",
                "  description = \"Memory of the indexing function in MB (the SAM template's AbiIndexer: 2048).\"\n  type        = number\n  default     = 1024");
        caught("contract", m, "SAM parity: lambda.tf: aws_lambda_function.indexer memory_size = 1024");
    }

    @Test
    void aHandlerMethodTheClassLacksFails() throws IOException {
        TfModule m = plant("locals.tf", "QuarkusStreamHandler::handleRequest", "QuarkusStreamHandler::handle");
        caught(
                "contract",
                m,
                "handler class io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler has no method handle");
    }

    @Test
    void anArchitectureOtherThanTheSamTemplatesFails() throws IOException {
        TfModule m = plant("lambda.tf", "  architectures    = [\"x86_64\"]", "  architectures    = [\"arm64\"]");
        caught("contract", m, "aws_lambda_function.api architectures = arm64, the SAM template's AbiApi has x86_64");
    }

    @Test
    void aShorterNoncurrentRetentionThanTheSamTemplatesFails() throws IOException {
        TfModule m = plant(
                "storage.tf",
                "      noncurrent_days = var.noncurrent_version_expiration_days",
                "      noncurrent_days = 3");
        caught(
                "contract",
                m,
                "noncurrent versions of the state bucket expire after 3 days, the SAM template's StateBucket keeps them 9");
    }

    @Test
    void noncurrentVersionsExpiringWithinGcRetentionFail() throws IOException {
        TfModule m = plant(
                "variables.tf",
                "  type        = number\n  default     = 9\n",
                "  type        = number\n  default     = 7\n");
        caught(
                "contract",
                m,
                "aws_s3_bucket_lifecycle_configuration.state: noncurrent versions expire after 7 days, within GC's retention");
    }

    @Test
    void aTableKeyOtherThanTheSamTemplatesFails() throws IOException {
        TfModule m = plant("table.tf", "    attribute_name = \"ttl\"", "    attribute_name = \"expires\"");
        caught(
                "contract",
                m,
                "aws_dynamodb_table.metadata ttl attribute_name = expires, the SAM template's MetadataTable has ttl");
    }

    @Test
    void aMappingWithoutBatchFailureReportsFails() throws IOException {
        TfModule m = plant("ingest.tf", "  function_response_types = [\"ReportBatchItemFailures\"]\n", "");
        caught("contract", m, "function_response_types lacks ReportBatchItemFailures");
    }

    @Test
    void aNotificationMissingAnEventTypeFails() throws IOException {
        TfModule m = plant(
                "ingest.tf",
                "    events    = [\"s3:ObjectCreated:*\", \"s3:ObjectRemoved:*\"]",
                "    events    = [\"s3:ObjectCreated:*\"]");
        caught("contract", m, "SAM parity: the source bucket notifies [s3:ObjectCreated:*]");
    }

    @Test
    void aShortVisibilityTimeoutFails() throws IOException {
        TfModule m = plant("ingest.tf", "6 * var.indexer_timeout", "5 * var.indexer_timeout");
        caught("contract", m, "visibility_timeout_seconds 300 is less than six times the indexer's timeout 60");
    }

    @Test
    void aGcpEntryPointMissingFromTheJarFails() throws IOException {
        TfModule m = plant("planted.tf", null, """
                resource "google_cloudfunctions2_function" "x" {
                  name = "x"
                  build_config {
                    entry_point = "io.quarkus.gcp.functions.http.QuarkusHttpFunctoin"
                  }
                }
                """);
        caught(
                "contract",
                m,
                "entry point io.quarkus.gcp.functions.http.QuarkusHttpFunctoin is not a class of the jar in adapters-gcp/target/function-source.zip");
    }

    @Test
    void anAzureSubscriptionOnAFunctionWithoutEventGridTriggerFails() throws IOException {
        TfModule m = plant("planted.tf", null, """
                resource "azurerm_eventgrid_system_topic_event_subscription" "x" {
                  azure_function_endpoint {
                    function_id = "${azurerm_linux_function_app.x.id}/functions/api"
                  }
                }
                """);
        caught("contract", m, "function api has no generated function.json with an eventGridTrigger binding");
    }

    // ---- 5. policy -----------------------------------------------------------------------------------------------

    @Test
    void aWildcardActionFails() throws IOException {
        TfModule m = plant("iam.tf", "    actions   = [\"sqs:SendMessage\"]", "    actions   = [\"sqs:*\"]");
        caught("policy", m, "statement \"SourceBucketNotifies\": wildcard actions \"sqs:*\"");
    }

    @Test
    void aWildcardActionOnTheAllowlistPasses() throws IOException {
        TfModule m = plant("iam.tf", "    actions   = [\"sqs:SendMessage\"]", "    actions   = [\"sqs:*\"]");
        Path readme = temp.resolve("README.md");
        Files.writeString(
                readme,
                "## IAM wildcard allowlist\n\n| statement | why |\n|---|---|\n"
                        + "| `aws/ingest_queue/SourceBucketNotifies` | a planted entry |\n"
                        + "| `aws/xray/XRayWrite` | the module's own entry |\n");
        assertEquals(List.of(), Policy.check(m, readme));
    }

    @Test
    void aWildcardResourceFails() throws IOException {
        TfModule m = plant("iam.tf", "    resources = [aws_dynamodb_table.metadata.arn]", "    resources = [\"*\"]");
        caught("policy", m, "statement \"MetadataItems\": wildcard resources \"*\"");
    }

    @Test
    void anArnOfEveryBucketFails() throws IOException {
        TfModule m =
                plant("iam.tf", "    resources = [aws_s3_bucket.state.arn]", "    resources = [\"arn:aws:s3:::*\"]");
        caught("policy", m, "statement \"StateBucket\": wildcard resources \"arn:aws:s3:::*\"");
    }

    @Test
    void anAllowOfNotActionsFails() throws IOException {
        TfModule m =
                plant("iam.tf", "    actions   = [\"sqs:SendMessage\"]", "    not_actions = [\"sqs:DeleteQueue\"]");
        caught("policy", m, "statement \"SourceBucketNotifies\": not_actions in an Allow grants everything but");
    }

    @Test
    void anAllowOfNotResourcesFails() throws IOException {
        TfModule m = plant(
                "iam.tf",
                "    resources = [aws_dynamodb_table.metadata.arn]",
                "    not_resources = [aws_dynamodb_table.metadata.arn]");
        caught("policy", m, "statement \"MetadataItems\": not_resources in an Allow grants everything but");
    }

    @Test
    void aDenyOfNotResourcesPasses() throws IOException {
        TfModule m = plant(
                "iam.tf",
                "    resources = [aws_dynamodb_table.metadata.arn]",
                "    resources = [aws_dynamodb_table.metadata.arn]\n  }\n\n  statement {\n    sid           = \"OnlyTheTable\"\n"
                        + "    effect        = \"Deny\"\n    actions       = [\"dynamodb:PutItem\"]\n"
                        + "    not_resources = [aws_dynamodb_table.metadata.arn]");
        // the planted Deny is a statement the check reads, and it is not reported
        assertTrue(m.blocks("data").stream()
                .flatMap(d -> java.util.stream.StreamSupport.stream(
                        d.body().path("statement").spliterator(), false))
                .anyMatch(st -> st.path("sid").asText().equals("OnlyTheTable") && st.has("not_resources")));
        assertEquals(List.of(), Policy.check(m, ModulesTest.ROOT.resolve("README.md")));
    }

    @Test
    void aJsonencodedPolicyFails() throws IOException {
        TfModule m = plant(
                "iam.tf",
                "  policy = data.aws_iam_policy_document.state.json\n}\n\nresource \"aws_iam_role_policy\" \"api_logs\"",
                "  policy = jsonencode({ Statement = [] })\n}\n\nresource \"aws_iam_role_policy\" \"api_logs\"");
        caught("policy", m, "aws_iam_role_policy.api_state: policy must be a data.aws_iam_policy_document's json");
    }

    @Test
    void anUnversionedStateBucketFails() throws IOException {
        TfModule m = plant("storage.tf", "    status = \"Enabled\"", "    status = \"Suspended\"");
        caught("policy", m, "aws_s3_bucket.state: no aws_s3_bucket_versioning with status = \"Enabled\"");
    }

    @Test
    void aTableWithoutPointInTimeRecoveryFails() throws IOException {
        TfModule m = plant(
                "table.tf",
                "  point_in_time_recovery {\n    enabled = true",
                "  point_in_time_recovery {\n    enabled = false");
        caught("policy", m, "aws_dynamodb_table.metadata: point_in_time_recovery { enabled = true } is missing");
    }

    @Test
    void aProjectWideStorageAdminFails() throws IOException {
        TfModule m = plant("planted.tf", null, """
                resource "google_project_iam_member" "x" {
                  project = "p"
                  role    = "roles/storage.admin"
                  member  = "serviceAccount:x@p.iam.gserviceaccount.com"
                }
                """);
        caught("policy", m, "google_project_iam_member.x: a storage role on the whole project");
    }

    @Test
    void aSubscriptionScopedRoleFails() throws IOException {
        TfModule m = plant("planted.tf", null, """
                resource "azurerm_role_assignment" "x" {
                  scope                = data.azurerm_subscription.current.id
                  role_definition_name = "Storage Blob Data Owner"
                  principal_id         = "p"
                }
                """);
        caught("policy", m, "azurerm_role_assignment.x: scoped to the subscription");
    }

    // ---- 6. tftest -----------------------------------------------------------------------------------------------

    @Test
    void aRunThatAppliesFails() throws IOException {
        TfModule m = plant(
                "tests/toggles.tftest.hcl",
                "run \"without_indexing\" {\n  command = plan",
                "run \"without_indexing\" {\n  command = apply");
        caught("tftest", m, "run \"without_indexing\": command must be plan");
    }

    @Test
    void anAssertionOnAMissingResourceFails() throws IOException {
        TfModule m = plant(
                "tests/defaults.tftest.hcl",
                "aws_lambda_function.api.memory_size == 2048",
                "aws_lambda_function.apii.memory_size == 2048");
        caught("tftest", m, "refers to aws_lambda_function.apii.memory_size, which the module lacks");
    }

    @Test
    void anExpectedFailureOfAMissingVariableFails() throws IOException {
        TfModule m = plant(
                "tests/toggles.tftest.hcl",
                "  expect_failures = [var.noncurrent_version_expiration_days]",
                "  expect_failures = [var.noncurrent_expiration_days]");
        caught("tftest", m, "expect_failures names var.noncurrent_expiration_days, which the module lacks");
    }

    @Test
    void anUnknownTestVariableFails() throws IOException {
        TfModule m =
                plant("tests/toggles.tftest.hcl", "    create_indexer     = false", "    create_indexr      = false");
        caught("tftest", m, "sets create_indexr, which is not a variable of the module");
    }

    @Test
    void aTestWithoutMockProviderFails() throws IOException {
        TfModule m = plant("tests/defaults.tftest.hcl", "mock_provider \"aws\" {}\n", "");
        caught("tftest", m, "no mock_provider \"aws\"");
    }

    @Test
    void anUnknownAbiNameInAnExampleFails() throws IOException {
        TfModule m = plant(
                "examples/function-url/main.tf", "    ABI_AUTH_ENABLED = \"true\"", "    ABI_AUTH_ENABLD = \"true\"");
        caught("contract", m, "environment sets ABI_AUTH_ENABLD, which is not an environment variable the code reads");
    }

    @Test
    void anExampleDeployingAnotherZipThanTheCheckedOneFails() throws IOException {
        TfModule m = plantIn(
                "gcp",
                "examples/basic/main.tf",
                "adapters-gcp/target/function-source.zip",
                "adapters-gcp/target/source.zip");
        caught(
                "contract",
                m,
                "function_source_zip deploys adapters-gcp/target/source.zip, not adapters-gcp/target/function-source.zip");
    }

    // ---- the GPU module: its names are gpu-container's, its data folder a mounted volume
    // -----------------------------

    @Test
    void aStoreSettingGpuContainerDoesNotReadFails() throws IOException {
        // ABI_STORE_KIND is the functions' (AbiConfig) setting: the GPU service reads only abi.data-dir
        TfModule m = plantIn(
                "gpu",
                "locals.tf",
                "    ABI_DATA_DIR = local.state_mount_path\n",
                "    ABI_DATA_DIR   = local.state_mount_path\n    ABI_STORE_KIND = \"gcs\"\n");
        caught(
                "contract",
                m,
                "google_cloud_run_v2_service.gpu: ABI_STORE_KIND is not an environment variable gpu-container reads");
    }

    @Test
    void aGpuServiceDroppingAnImageFlagFails() throws IOException {
        TfModule m = plantIn(
                "gpu",
                "locals.tf",
                "\"--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED\"",
                "\"--add-modules=jdk.incubator.vector\"");
        caught(
                "contract",
                m,
                "google_cloud_run_v2_service.gpu: JAVA_TOOL_OPTIONS lacks --enable-native-access=ALL-UNNAMED, which the image sets");
    }

    @Test
    void aDataDirOffTheMountedBucketFails() throws IOException {
        TfModule m = plantIn(
                "gpu",
                "service.tf",
                "          mount_path = local.state_mount_path",
                "          mount_path = \"/data\"");
        caught("contract", m, "ABI_DATA_DIR=/mnt/abi-state is not the mount path of a volume of the container [/data]");
    }

    @Test
    void aMountedBucketWithoutDataDirFails() throws IOException {
        TfModule m = plantIn("gpu", "locals.tf", "    ABI_DATA_DIR = local.state_mount_path\n", "");
        caught("contract", m, "volumes are mounted at [/mnt/abi-state] but ABI_DATA_DIR is not set");
    }

    // ---- schema and policy on the gcp and azure modules ----------------------------------------------------------

    @Test
    void aMisspelledGoogleArgumentFails() throws IOException {
        TfModule m = plantIn(
                "gcp",
                "buckets.tf",
                "  uniform_bucket_level_access = true\n  public_access_prevention    = \"enforced\"",
                "  uniform_bucket_level_acess  = true\n  public_access_prevention    = \"enforced\"");
        caught("schema", m, "google_storage_bucket.state: unknown argument or block \"uniform_bucket_level_acess\"");
    }

    @Test
    void aMissingRequiredGoogleArgumentFails() throws IOException {
        TfModule m = plantIn("gcp", "iam.tf", "  bucket = local.state_bucket_name\n", "");
        caught("schema", m, "google_storage_bucket_iam_member.runtime_state: required argument \"bucket\" is missing");
    }

    @Test
    void anUnversionedGcsBucketFails() throws IOException {
        TfModule m = plantIn(
                "gcp", "buckets.tf", "  versioning {\n    enabled = true", "  versioning {\n    enabled = false");
        caught("policy", m, "google_storage_bucket.state: versioning { enabled = true } is missing");
    }

    @Test
    void aProjectWideStorageRoleInTheGcpModuleFails() throws IOException {
        TfModule m = plantIn(
                "gcp",
                "iam.tf",
                "resource \"google_storage_bucket_iam_member\" \"runtime_state\" {\n  bucket = local.state_bucket_name",
                "resource \"google_project_iam_member\" \"runtime_state\" {\n  project = var.project_id");
        caught("policy", m, "google_project_iam_member.runtime_state: a storage role on the whole project");
    }

    @Test
    void aMisspelledAzurermArgumentFails() throws IOException {
        TfModule m = plantIn(
                "azure",
                "storage.tf",
                "  account_replication_type        = var.storage_replication_type",
                "  account_replicaton_type         = var.storage_replication_type");
        caught("schema", m, "azurerm_storage_account.this: unknown argument or block \"account_replicaton_type\"");
        caught("schema", m, "azurerm_storage_account.this: required argument \"account_replication_type\" is missing");
    }

    @Test
    void anUnversionedStorageAccountFails() throws IOException {
        TfModule m = plantIn("azure", "storage.tf", "    versioning_enabled = true", "    versioning_enabled = false");
        caught("policy", m, "azurerm_storage_account.this: blob_properties { versioning_enabled = true } is missing");
    }

    @Test
    void aSubscriptionScopedRoleInTheAzureModuleFails() throws IOException {
        TfModule m = plantIn(
                "azure",
                "identity.tf",
                "  scope                = azurerm_storage_account.this.id",
                "  scope                = data.azurerm_client_config.current.subscription_id");
        caught("policy", m, "azurerm_role_assignment.app_blob_reader: scoped to the subscription");
    }

    /** The same two mistakes in a copy of every module here (aws, gcp, azure, gpu: those that set the names). */
    @TestFactory
    Stream<DynamicTest> everyModuleCatchesADroppedVectorFlagAndAMisspelledStoreBucket() {
        return SyntaxAndStructure.modules(ModulesTest.ROOT).stream()
                .flatMap(dir -> Stream.of(
                        DynamicTest.dynamicTest(dir.getFileName() + ": vector flag dropped", () -> {
                            TfModule m = plantEverywhere(dir, "--add-modules=jdk.incubator.vector", "-Xss1m");
                            if (m != null) {
                                caught(
                                        "contract",
                                        m,
                                        "JAVA_TOOL_OPTIONS must carry --add-modules=jdk.incubator.vector");
                            }
                        }),
                        DynamicTest.dynamicTest(dir.getFileName() + ": ABI_STORE_BUKET", () -> {
                            TfModule m = plantEverywhere(dir, "ABI_STORE_BUCKET ", "ABI_STORE_BUKET  ");
                            if (m != null) {
                                caught("contract", m, "ABI_STORE_BUKET is not an environment variable the code reads");
                            }
                        })));
    }

    /** A copy of the module with every occurrence replaced in its .tf files, or null when none holds the text. */
    private TfModule plantEverywhere(Path module, String from, String to) throws IOException {
        Path copy = Files.createTempDirectory(temp, "m")
                .resolve(module.getFileName().toString());
        copyOf(module, copy);
        boolean planted = false;
        for (Path f : TfModule.list(copy)) {
            if (f.toString().endsWith(".tf")) {
                String text = Files.readString(f);
                if (text.contains(from)) {
                    Files.writeString(f, text.replace(from, to));
                    planted = true;
                }
            }
        }
        return planted ? TfModule.load(Hcl.get(), copy) : null;
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static void caught(String check, TfModule m, String expected) {
        List<String> problems = ModulesTest.run(check, m);
        assertTrue(
                problems.stream().anyMatch(p -> p.contains(expected)),
                "check " + check + " should report \"" + expected + "\" but reported " + problems);
    }

    /**
     * A copy of the AWS module with one change in one file: from -> to (from must occur), or a new file with the
     * content to (from null), or the file deleted (both null).
     */
    private TfModule plant(String file, String from, String to) throws IOException {
        return plantIn("aws", file, from, to);
    }

    /** The same in a copy of another module here (gcp, azure, gpu), named like the original. */
    private TfModule plantIn(String module, String file, String from, String to) throws IOException {
        Path copy = temp.resolve(module);
        copyOf(ModulesTest.ROOT.resolve(module), copy);
        Path f = copy.resolve(file);
        if (from == null && to == null) {
            Files.delete(f);
        } else if (from == null) {
            Files.writeString(f, to, StandardOpenOption.CREATE_NEW);
        } else {
            String text = Files.readString(f);
            assertTrue(text.contains(from), file + " no longer contains the text the mistake replaces: " + from);
            Files.writeString(f, text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
        }
        return TfModule.load(Hcl.get(), copy);
    }

    private static void copyOf(Path source, Path target) throws IOException {
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : all.toList()) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(text) && lines.get(i).trim().endsWith("=")) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }
}
