// Lets records and init-only setters compile on netstandard2.0 (the compiler only needs the type to exist).
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
