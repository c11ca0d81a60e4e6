package dev.vctt.stream.bootstrap;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

/**
 * Leaves out test classes wherever they come from: this module's test-classes and the test-jars of
 * the other modules (fakes and fixtures, which are free to break production rules).
 */
final class ExcludeTestCode implements ImportOption {

    @Override
    public boolean includes(Location location) {
        return !location.contains("/test-classes/") && !location.contains("-tests.jar");
    }
}
