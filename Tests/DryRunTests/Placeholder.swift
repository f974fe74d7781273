import Testing
@testable import DryRun
