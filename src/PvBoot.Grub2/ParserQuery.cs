using Sprache;

namespace PvBoot.Grub2;

/// <summary>
/// The query operators of Sprache's <see cref="Parse"/> (<c>from … in … select …</c>), with the same results, failures
/// and order of evaluation, for the grammars of this namespace and the namespaces inside it, where these are found
/// before Sprache's. Sprache builds <c>select</c> and each further <c>from</c> out of <c>Then</c> and <c>Return</c>, so
/// every step of every production allocated closures, parsers and an intermediate result each time it ran; these run
/// the steps directly.
/// </summary>
internal static class ParserQuery
{
    /// <summary><c>select</c>: <paramref name="parser"/>'s value converted by <paramref name="convert"/> (Sprache's <c>Select</c>).</summary>
    public static Parser<U> Select<T, U>(this Parser<T> parser, Func<T, U> convert)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(convert);
        return input =>
        {
            IResult<T> result = parser(input);
            return result.WasSuccessful
                ? Result.Success(convert(result.Value), result.Remainder)
                : Result.Failure<U>(result.Remainder, result.Message, result.Expectations);
        };
    }

    /// <summary>
    /// A second <c>from</c>: <paramref name="parser"/>, then the parser <paramref name="selector"/> gives for its value,
    /// the two values combined by <paramref name="projector"/> (Sprache's <c>SelectMany</c>).
    /// </summary>
    public static Parser<V> SelectMany<T, U, V>(this Parser<T> parser, Func<T, Parser<U>> selector, Func<T, U, V> projector)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(projector);
        return input =>
        {
            IResult<T> first = parser(input);
            if (!first.WasSuccessful)
            {
                return Result.Failure<V>(first.Remainder, first.Message, first.Expectations);
            }

            IResult<U> second = selector(first.Value)(first.Remainder);
            return second.WasSuccessful
                ? Result.Success(projector(first.Value, second.Value), second.Remainder)
                : Result.Failure<V>(second.Remainder, second.Message, second.Expectations);
        };
    }

    /// <summary><c>where</c>: Sprache's own <see cref="Parse.Where"/>, named here so that it is found beside the two above.</summary>
    public static Parser<T> Where<T>(this Parser<T> parser, Func<T, bool> predicate) => Parse.Where(parser, predicate);
}
