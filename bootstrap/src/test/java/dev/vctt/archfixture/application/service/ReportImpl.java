package dev.vctt.archfixture.application.service;

/** Fixture violation: a name that says nothing. */
public class ReportImpl {
}
