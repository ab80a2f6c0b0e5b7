package org.amdet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** report.json's amdetVersion is the version the build made, also when the classes run outside the jar. */
class VersionTest {
    @Test
    void versionIsTheBuiltOne() {
        String expected = System.getProperty("amdet.expectedVersion");
        assertNotNull(expected, "surefire passes the project version as amdet.expectedVersion");
        assertEquals(expected, BackdoorDetector.version());
    }
}
