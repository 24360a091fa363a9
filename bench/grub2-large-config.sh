#!/usr/bin/env bash
# Benchmark: parse and evaluate a generated 50,000-line grub.cfg with PvBoot's GRUB 2 parser and report the time, the
# bytes allocated, the peak working set against a 500-line run of the same program, and whether the whole job fits
# in a GC heap capped at 8 MiB plus HEAP_PER_BYTE (default 16) times the file's size: the memory bound as a multiple
# of the file. (The 500-line run fits in 8 MiB.) Usage: bench/grub2-large-config.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-50000}
per_byte=${HEAP_PER_BYTE:-16}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make_config() { # ROOT LINES
  mkdir -p "$1/boot/grub"
  printf 'kernel\n' >"$1/boot/vmlinuz-1"
  printf 'initrd\n' >"$1/boot/initrd.img-1"
  {
    echo 'set default="Advanced>entry 40"'
    echo 'submenu Advanced {'
    for ((i = 0; i < $2 / 5; i++)); do
      printf "  menuentry 'entry %d' --class debian --id e%d {\n    insmod gzio\n    linux /boot/vmlinuz-1 root=/dev/xvda1 ro quiet\n    initrd /boot/initrd.img-1\n  }\n" "$i" "$i"
    done
    echo '}'
  } >"$1/boot/grub/grub.cfg"
}
make_config "$work/root" "$lines"
make_config "$work/small" 500
mkdir -p "$work/app"
cat >"$work/app/Bench.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable>
  <ImplicitUsings>enable</ImplicitUsings><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  <TreatWarningsAsErrors>false</TreatWarningsAsErrors><GenerateDocumentationFile>false</GenerateDocumentationFile></PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$PWD/src/PvBoot.Grub2/PvBoot.Grub2.csproj" />
    <Compile Include="$PWD/tests/PvBoot.Grub2.Tests/Grub2/HostDirectoryFileSystem.cs" />
    <Compile Include="$PWD/tests/Shared/Fixtures.cs" />
  </ItemGroup>
</Project>
PROJ
cat >"$work/app/Program.cs" <<'CS'
using System.Diagnostics;
using PvBoot.Core.Boot;
using PvBoot.Grub2;
using PvBoot.Grub2.Tests.Grub2;

string root = args[0];
var fs = new HostDirectoryFileSystem(root);
var devices = new TestDeviceMap().Add("hd0,msdos1", fs);
long size = new FileInfo(Path.Combine(root, "boot/grub/grub.cfg")).Length;
var watch = Stopwatch.StartNew();
BootSelection s = new Grub2ConfigParser().Parse(new BootConfigContext
{
    FileSystem = fs, DeviceName = "hd0,msdos1", ConfigPath = "/boot/grub/grub.cfg", Devices = devices,
    Options = BootConfigOptions.Default with { MaxConfigBytes = 64 * 1024 * 1024 },
});
watch.Stop();
GC.KeepAlive(s);
Console.WriteLine($"config {size} bytes, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB, {s.Menu.Count} entries, chosen '{s.Chosen?.Title}', {watch.ElapsedMilliseconds} ms, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB");
CS
dotnet build -c Release "$work/app" -o "$work/bin" -nologo -clp:ErrorsOnly >/dev/null
echo "500-line baseline: $(dotnet "$work/bin/Bench.dll" "$work/small")"
echo "$lines lines:        $(dotnet "$work/bin/Bench.dll" "$work/root")"
size=$(stat -c %s "$work/root/boot/grub/grub.cfg")
cap=$(((8 << 20) + per_byte * size))
if DOTNET_GCHeapHardLimit=$(printf '0x%x' "$cap") dotnet "$work/bin/Bench.dll" "$work/root" >/dev/null 2>&1; then
  verdict=ok
else
  verdict="out of memory"
fi
echo "GC heap capped at 8 MiB + $per_byte x $size bytes = $((cap >> 20)) MiB: $verdict"
