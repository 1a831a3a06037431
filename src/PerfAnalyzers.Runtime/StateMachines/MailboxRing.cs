using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Runtime.CompilerServices;

namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>A growable ring buffer (double-ended queue) of envelopes; not thread-safe (the core's lock guards it).</summary>
internal struct MailboxRing<T>
{
    private T[]? _items;
    private int _head;
    private int _count;

    public readonly int Count => _count;

    /// <summary>The count read with acquire semantics, for a check outside the lock.</summary>
    public int VolatileCount => Volatile.Read(ref _count);

    public void PushBack(in T item)
    {
        if (_items is null || _count == _items.Length)
        {
            Grow();
        }

        var index = _head + _count;
        if (index >= _items!.Length)
        {
            index -= _items.Length;
        }

        _items[index] = item;
        _count++;
    }

    public ref T PeekFront() => ref _items![_head];

    public ref T At(int offset)
    {
        var index = _head + offset;
        if (index >= _items!.Length)
        {
            index -= _items.Length;
        }

        return ref _items[index];
    }

    public T PopFront()
    {
        var item = _items![_head];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _items[_head] = default!;
        }

        _head++;
        if (_head == _items.Length)
        {
            _head = 0;
        }

        _count--;
        return item;
    }

    public T PopBack()
    {
        ref var slot = ref At(_count - 1);
        var item = slot;
        slot = default!;
        _count--;
        return item;
    }

    private void Grow()
    {
        var capacity = _items is null ? 4 : _items.Length * 2;
        var items = new T[capacity];
        for (var i = 0; i < _count; i++)
        {
            items[i] = At(i);
        }

        _items = items;
        _head = 0;
    }
}
