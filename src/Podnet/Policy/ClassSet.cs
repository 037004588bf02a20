using System.Numerics;
using System.Runtime.Intrinsics;

namespace Podnet.Policy;

/// <summary>
/// A set of a connectivity matrix's classes (numbered 0 … <see cref="Capacity"/> − 1) as a bitset, 64 classes a
/// word: the unit of the matrix's set algebra. The peers a policy rule or a security-group rule admits, what one
/// direction of one class allows and a row of the matrix are all such sets, so combining them costs a word
/// operation per 64 classes instead of a query per pair.
/// </summary>
internal sealed class ClassSet
{
    private readonly ulong[] _words;

    /// <summary>An empty set over <paramref name="capacity"/> classes.</summary>
    public ClassSet(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _words = new ulong[(capacity + 63) >> 6];
    }

    /// <summary>How many classes the set ranges over.</summary>
    public int Capacity { get; }

    /// <summary>How many classes are in the set.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var word in _words)
            {
                count += BitOperations.PopCount(word);
            }

            return count;
        }
    }

    /// <summary>Every class of <paramref name="capacity"/>.</summary>
    public static ClassSet All(int capacity)
    {
        var set = new ClassSet(capacity);
        Array.Fill(set._words, ulong.MaxValue);
        if ((capacity & 63) != 0)
        {
            set._words[^1] = (1UL << (capacity & 63)) - 1;
        }

        return set;
    }

    public bool Contains(int item) => (_words[item >> 6] & (1UL << item)) != 0;

    public void Add(int item) => _words[item >> 6] |= 1UL << item;

    public void Remove(int item) => _words[item >> 6] &= ~(1UL << item);

    public ClassSet Copy()
    {
        var copy = new ClassSet(Capacity);
        _words.CopyTo(copy._words, 0);
        return copy;
    }

    public void UnionWith(ClassSet other) => Combine<Union>(other);

    public void IntersectWith(ClassSet other) => Combine<Intersection>(other);

    public void ExceptWith(ClassSet other) => Combine<Difference>(other);

    /// <summary>
    /// This set becomes <typeparamref name="TOperation"/> of it and <paramref name="other"/>, four words at a time where
    /// the processor has 256-bit vectors (AVX2 on this EPYC), then word by word.
    /// </summary>
    private void Combine<TOperation>(ClassSet other)
        where TOperation : IWordOperation
    {
        var words = other._words;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= _words.Length; i += 4)
            {
                var result = TOperation.Apply(Vector256.Create<ulong>(_words.AsSpan(i, 4)), Vector256.Create<ulong>(words.AsSpan(i, 4)));
                result.CopyTo(_words.AsSpan(i, 4));
            }
        }

        for (; i < _words.Length; i++)
        {
            _words[i] = TOperation.Apply(_words[i], words[i]);
        }
    }

    /// <summary>The classes of the set in increasing order, without allocating (<c>foreach (var c in set)</c>).</summary>
    public Enumerator GetEnumerator() => new(_words);

    /// <summary>Walks the set bits word by word: the lowest bit of the word, then the word without it.</summary>
    public struct Enumerator(ulong[] words)
    {
        private int _index = -1;
        private ulong _word;

        public int Current { get; private set; }

        public bool MoveNext()
        {
            while (_word == 0)
            {
                if (++_index >= words.Length)
                {
                    return false;
                }

                _word = words[_index];
            }

            Current = (_index << 6) + BitOperations.TrailingZeroCount(_word);
            _word &= _word - 1;
            return true;
        }
    }

    /// <summary>A bitwise operation on words and on vectors of four words, chosen at compile time (no delegate per word).</summary>
    private interface IWordOperation
    {
        static abstract ulong Apply(ulong left, ulong right);

        static abstract Vector256<ulong> Apply(Vector256<ulong> left, Vector256<ulong> right);
    }

    private readonly struct Union : IWordOperation
    {
        public static ulong Apply(ulong left, ulong right) => left | right;

        public static Vector256<ulong> Apply(Vector256<ulong> left, Vector256<ulong> right) => left | right;
    }

    private readonly struct Intersection : IWordOperation
    {
        public static ulong Apply(ulong left, ulong right) => left & right;

        public static Vector256<ulong> Apply(Vector256<ulong> left, Vector256<ulong> right) => left & right;
    }

    private readonly struct Difference : IWordOperation
    {
        public static ulong Apply(ulong left, ulong right) => left & ~right;

        public static Vector256<ulong> Apply(Vector256<ulong> left, Vector256<ulong> right) => Vector256.AndNot(left, right);
    }
}
