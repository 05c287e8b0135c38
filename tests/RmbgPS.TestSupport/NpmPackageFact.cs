// A [Fact] that needs the real npm package of IMG.LY's models (see TestAssets.NpmPackagePath): skipped,
// with the reason, where tests/assets/fetch-test-assets.sh has not put it in the cache.
using System.IO;
using Xunit;

namespace RmbgPS.Tests;

public sealed class NpmPackageFactAttribute : FactAttribute
{
    public NpmPackageFactAttribute()
    {
        if (!File.Exists(TestAssets.NpmPackagePath))
            Skip = $"The npm package tarball is not in the test cache ({TestAssets.NpmPackagePath}); run tests/assets/fetch-test-assets.sh to fetch it.";
    }
}
