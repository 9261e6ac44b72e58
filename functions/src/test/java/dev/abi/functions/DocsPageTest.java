package dev.abi.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The local server's browsable API page: {@code /docs} loads Swagger UI from the webjar, over the served document. */
@QuarkusTest
class DocsPageTest {

    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"");

    @Test
    void theDocsPageLoadsSwaggerUiFromThisServerAndPointsAtTheDocument() {
        given().redirects().follow(false).get("/docs").then().statusCode(302).header("Location", endsWith("/docs/"));
        String page = given().get("/docs/")
                .then()
                .statusCode(200)
                .body(containsString("/v1/openapi.json"))
                .extract()
                .asString();
        List<String> assets = new ArrayList<>();
        Matcher m = ASSET.matcher(page);
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertFalse(assets.isEmpty(), page);
        for (String asset : assets) {
            assertTrue(asset.startsWith("/webjars/swagger-ui/"), asset + " is served here, not by a CDN");
            given().get(asset).then().statusCode(200);
        }
        given().get("/v1/openapi.json").then().statusCode(200).body("openapi", containsString("3.1"));
    }
}
