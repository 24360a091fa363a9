using System.Globalization;
using Sprache;

namespace PvBoot.Grub2;

/// <summary>
/// The operators of Sprache's <see cref="Parse"/> that the grammars use at every step: the query operators
/// (<c>from … in … where … select …</c>), <c>Or</c> and <c>Named</c>, with the same results, failures and order of
/// evaluation. Declared in this namespace, they are found before Sprache's by the grammars here and in the namespaces
/// inside it. Sprache's build <c>select</c> and each further <c>from</c> out of <c>Then</c> and <c>Return</c>, and
/// wrap each step's result in a new closure, so every production allocated closures, parsers and intermediate results
/// each time it ran; these run the steps directly.
/// </summary>
internal static class ParserOperators
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

    /// <summary>
    /// <c>where</c>: <paramref name="parser"/>'s result when <paramref name="predicate"/> accepts its value, else a failure
    /// at the start that names the value as unexpected (Sprache's <c>Where</c>).
    /// </summary>
    public static Parser<T> Where<T>(this Parser<T> parser, Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(predicate);
        return input =>
        {
            IResult<T> result = parser(input);
            return !result.WasSuccessful || predicate(result.Value)
                ? result
                : Result.Failure<T>(input, string.Format(CultureInfo.CurrentCulture, "Unexpected {0}.", result.Value), []);
        };
    }

    /// <summary>
    /// <paramref name="first"/>, or <paramref name="second"/> when it fails or consumes nothing (Sprache's <c>Or</c>):
    /// when both fail, the failure that got further, or both expectations where they failed at the same place.
    /// </summary>
    public static Parser<T> Or<T>(this Parser<T> first, Parser<T> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return input =>
        {
            IResult<T> one = first(input);
            if (one.WasSuccessful && !one.Remainder.Equals(input))
            {
                return one;
            }

            IResult<T> other = second(input);
            if (other.WasSuccessful)
            {
                return other;
            }

            return one.WasSuccessful ? one : FurthestFailure(one, other);
        };
    }

    /// <summary>
    /// <paramref name="parser"/>, its expectations replaced by <paramref name="name"/> when it fails without consuming
    /// input (Sprache's <c>Named</c>).
    /// </summary>
    public static Parser<T> Named<T>(this Parser<T> parser, string name)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(name);
        string[] expected = [name];
        return input =>
        {
            IResult<T> result = parser(input);
            return result.WasSuccessful || !result.Remainder.Equals(input)
                ? result
                : Result.Failure<T>(result.Remainder, result.Message, expected);
        };
    }

    /// <summary>The failure <see cref="Or{T}"/> reports when both alternatives fail.</summary>
    private static IResult<T> FurthestFailure<T>(IResult<T> first, IResult<T> second) =>
        second.Remainder.Position > first.Remainder.Position ? second
        : second.Remainder.Position == first.Remainder.Position
            ? Result.Failure<T>(first.Remainder, first.Message, first.Expectations.Union(second.Expectations))
            : first;
}
