#!/usr/bin/env bash
# Benchmark: parse and evaluate a generated 50,000-line grub.cfg with PvBoot's GRUB 2 parser and report the time and
# the peak working set (compare with the file size). Usage: bench/grub2-large-config.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-50000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/boot/grub"
printf 'kernel\n' >"$work/root/boot/vmlinuz-1"
printf 'initrd\n' >"$work/root/boot/initrd.img-1"
{
  echo 'set default="Advanced>entry 40"'
  echo 'submenu Advanced {'
  for ((i = 0; i < lines / 5; i++)); do
    printf "  menuentry 'entry %d' --class debian --id e%d {\n    insmod gzio\n    linux /boot/vmlinuz-1 root=/dev/xvda1 ro quiet\n    initrd /boot/initrd.img-1\n  }\n" "$i" "$i"
  done
  echo '}'
} >"$work/root/boot/grub/grub.cfg"
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
Console.WriteLine($"config {size} bytes, {s.Menu.Count} entries, chosen '{s.Chosen?.Title}', {watch.ElapsedMilliseconds} ms, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB");
CS
dotnet run -c Release --project "$work/app" -- "$work/root"
